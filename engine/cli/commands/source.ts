// `pipeline source start [NAME]`: a local service of the spec (`local.services`, e.g. the sample data
// source) in the foreground. It prints its URL and records it in the state folder, so that `pipeline
// run`, `backfill` and the other commands that run processors use it with no environment set; Ctrl-C
// (or SIGTERM) stops it and removes the record.
import type { LocalServicePlan, Plan } from '../../spec/plan.js';
import { didYouMean } from '../../spec/diagnostics.js';
import { liveService, LocalServiceError, removeServiceRecord, startService, writeServiceRecord } from '../../devkit/services.js';
import { parsePort } from '../args.js';
import { CommandFailed, UsageError } from '../errors.js';
import { stateDir } from '../local-engine.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

function pickService(plan: Plan, name: string | undefined): LocalServicePlan {
  const names = [...plan.localServices.keys()];
  if (!names.length) throw new CommandFailed(`${plan.file} declares no local services: add one under local.services (see docs/spec-reference.md#local)`, 1);
  if (name === undefined) {
    if (names.length === 1) return plan.localServices.get(names[0]!)!;
    throw new UsageError('the spec declares several local services: name one', `pipeline source start ${names.join('|')}`);
  }
  const s = plan.localServices.get(name);
  if (s) return s;
  const guess = didYouMean(name, names);
  throw new UsageError(`unknown local service ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}`, `pipeline source start ${names.join('|')}`);
}

export const source: Registrar = (program, io) => {
  const group = program.command('source').description('local services of the spec (local.services), such as the sample data source');
  group
    .command('start')
    .description('run a local service in the foreground, print its URL and record it for the other commands')
    .argument('[name]', 'the service (default: the only one)')
    .option('--port <port>', 'port on 127.0.0.1 (default: any free port)', '0')
    .addHelpText('after', '\nExamples:\n  $ pipeline source start            # then, in another terminal: pipeline run --date YYYY-MM-DD\n  $ pipeline source start --port 8700')
    .action(async (name: string | undefined, opts: { port: string }) => {
      const port = parsePort(opts.port, '--port');
      const plan = requirePlan(io, program.opts().file as string | undefined);
      const s = pickService(plan, name);
      const dir = stateDir(io, plan);
      const live = await liveService(dir, s.name);
      if (live) throw new CommandFailed(`${s.name} already runs at ${live.url} (pid ${live.pid}); commands use it — stop that one first to start another`, 1);
      let running;
      try {
        running = await startService(plan, s, { port, env: io.env });
      } catch (e) {
        if (e instanceof LocalServiceError) throw new CommandFailed(e.message, 1);
        throw e;
      }
      const record = writeServiceRecord(dir, s.name, running.url);
      io.out(`${s.name}: ${running.url}`);
      io.err(`recorded in ${record}: pipeline run, backfill, replay and schedule run use it (elsewhere: ${s.env}=${running.url}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      removeServiceRecord(dir, s.name);
      await running.close();
      io.err(`${s.name} stopped`);
    });
};
