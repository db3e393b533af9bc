// `pipeline validate [file]`: located diagnostics; exit 0 when valid (warnings allowed), 1 otherwise.
import path from 'node:path';
import { loadPlan } from '../../spec/index.js';
import { hasErrors, renderDiagnostics } from '../../spec/diagnostics.js';
import { CommandFailed } from '../errors.js';
import { specPath } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const validate: Registrar = (program, io) => {
  program
    .command('validate')
    .description('check a pipeline.yaml and print located diagnostics')
    .argument('[file]', 'the spec (default: ./pipeline.yaml)')
    .option('--json', 'print diagnostics as JSON')
    .option('--no-modules', 'do not check that processor modules exist')
    .addHelpText('after', '\nExamples:\n  $ pipeline validate\n  $ pipeline validate path/to/pipeline.yaml --json')
    .action((file: string | undefined, opts: { json?: boolean; modules: boolean }) => {
      const abs = specPath(io, file ?? (program.opts().file as string | undefined));
      const display = path.relative(io.cwd, abs) || abs;
      const r = loadPlan(abs, { displayName: display, checkModules: opts.modules });
      if (opts.json) io.out(JSON.stringify({ valid: !hasErrors(r.diagnostics), specHash: r.plan?.specHash ?? null, diagnostics: r.diagnostics }, null, 2));
      else if (r.diagnostics.length) io.err(renderDiagnostics(r.diagnostics, { sources: r.text ? { [display]: r.text } : {}, color: io.color }));
      if (hasErrors(r.diagnostics)) throw new CommandFailed();
      if (!opts.json) io.out(`${display} is valid: ${r.plan!.processors.size} processors, ${r.plan!.assets.size} tables and collections, ${r.plan!.gates.size} gates, ${r.plan!.stages.size} stages (spec ${r.plan!.specHash})`);
    });
};
