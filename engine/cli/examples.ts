// Help examples drawn from the spec the command would load (-f, $PIPELINE_SPEC or ./pipeline.yaml),
// so `pipeline run --help` names this pipeline's processors and tables, whichever pipeline it is.
// Without a loadable spec the examples use placeholders. Help never fails because of the spec.
import type { Command } from 'commander';
import { loadPlan } from '../spec/index.js';
import type { Plan } from '../spec/plan.js';
import type { CliIO } from './io.js';
import { specPath } from './spec-file.js';

/** Names from the spec worth showing in examples, or placeholders. */
export interface SpecNames {
  /** A processor of the first phase (a source). */
  source: string;
  /** A processor that an update triggers (a later phase). */
  processor: string;
  /** A table written by a processor past the first phase. */
  table: string;
  /** A phase past the first, and the one before the last. */
  phase: string;
  stopAfter: string;
  schedule: string;
  /** A date to show. */
  date: string;
}

const PLACEHOLDERS: SpecNames = { source: 'SOURCE_PROCESSOR', processor: 'PROCESSOR', table: 'dataset.table', phase: 'PHASE', stopAfter: 'PHASE', schedule: 'SCHEDULE', date: '2025-11-15' };

export function namesOf(plan: Plan | undefined): SpecNames {
  if (!plan) return PLACEHOLDERS;
  const first = plan.phases[0]?.name;
  const later = plan.order.map((n) => plan.processors.get(n)!).filter((p) => p.phase !== first);
  const triggered = later.find((p) => p.triggers.length) ?? later[0];
  const table = later.find((p) => p.table)?.table;
  const phases = plan.phases.map((p) => p.name);
  return {
    source: plan.order.find((n) => plan.processors.get(n)!.phase === first) ?? PLACEHOLDERS.source,
    processor: triggered?.name ?? plan.order[0] ?? PLACEHOLDERS.processor,
    table: table ?? [...plan.assets.keys()][0] ?? PLACEHOLDERS.table,
    phase: phases[1] ?? phases[0] ?? PLACEHOLDERS.phase,
    stopAfter: phases[Math.max(0, phases.length - 2)] ?? PLACEHOLDERS.stopAfter,
    schedule: [...plan.schedules.keys()][0] ?? PLACEHOLDERS.schedule,
    date: PLACEHOLDERS.date,
  };
}

const cache = new Map<string, Plan | undefined>();

/** The spec the program would load, if it loads; undefined otherwise (no diagnostics printed). */
export function helpPlan(io: CliIO, program: Command): Plan | undefined {
  const file = specPath(io, program.opts().file as string | undefined);
  if (!cache.has(file)) {
    const r = loadPlan(file, { checkModules: false });
    cache.set(file, r.plan);
  }
  return cache.get(file);
}

/**
 * Adds an "Examples:" block to a command's help, rendered when help is shown: `lines` gets the spec's
 * names and returns the example command lines (without the leading `$ `).
 */
export function examples(cmd: Command, io: CliIO, program: Command, lines: (n: SpecNames) => string[]): Command {
  return cmd.addHelpText('after', () => `\nExamples:\n${lines(namesOf(helpPlan(io, program))).map((l) => `  $ ${l}`).join('\n')}`);
}
