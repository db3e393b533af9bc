// `pipeline graph`: the DAG as mermaid, dot or json, optionally one phase (with its direct neighbours).
import { parseChoice, parsePhase } from '../args.js';
import { examples } from '../examples.js';
import { requirePlan } from '../spec-file.js';
import { graphEdges, renderGraph, type GraphFormat } from '../render/graph.js';
import type { Registrar } from './registrar.js';

export const graph: Registrar = (program, io) => {
  const cmd = program
    .command('graph')
    .description('print the pipeline DAG: processors, tables, gates and stages')
    .option('--format <format>', 'mermaid | dot | json', 'mermaid')
    .option('--phase <phase>', 'only this phase (name or number) and its direct inputs and outputs');
  examples(cmd, io, program, (n) => ['pipeline graph --format mermaid > dag.mmd', `pipeline graph --format dot --phase ${n.phase} | dot -Tsvg > ${n.phase}.svg`])
    .action((opts: { format: string; phase?: string }) => {
      const format = parseChoice(opts.format, '--format', ['mermaid', 'dot', 'json'] as const) as GraphFormat;
      const plan = requirePlan(io, program.opts().file as string | undefined);
      const phase = opts.phase === undefined ? undefined : parsePhase(plan, opts.phase, '--phase');
      io.out(renderGraph(plan, graphEdges(plan, phase), format));
    });
};
