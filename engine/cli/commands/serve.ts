// `pipeline serve [--backend local|gcp]`: the one HTTP service. Local by default (embedded backends,
// in-process cron, periodic reconciler); gcp in production. SIGTERM: stop taking work, finish
// in-flight runs within the bound, exit 0.
import { startService } from '../../service/start.js';
import { parseChoice, parsePort, parsePositiveInt } from '../args.js';
import { stateDir } from '../local-engine.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const serve: Registrar = (program, io) => {
  program
    .command('serve')
    .description('serve Pub/Sub pushes, Cloud Scheduler calls and the status API over HTTP')
    .option('--backend <backend>', 'local | gcp', 'local')
    .option('--port <port>', 'port (default $PORT or 8080)')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .option('--drain-ms <ms>', 'on SIGTERM, how long in-flight runs may take to finish', '10000')
    .addHelpText('after', '\nExamples:\n  $ pipeline serve                     # local, port 8080\n  $ PORT=8080 pipeline serve --backend gcp')
    .action(async (opts: { backend: string; port?: string; host: string; drainMs: string }) => {
      const backend = parseChoice(opts.backend, '--backend', ['local', 'gcp'] as const);
      const port = opts.port !== undefined ? parsePort(opts.port, '--port') : io.env.PORT ? parsePort(io.env.PORT, 'PORT') : 8080;
      const drainMs = parsePositiveInt(opts.drainMs, '--drain-ms', 3_600_000);
      const plan = requirePlan(io, program.opts().file as string | undefined);
      const running = await startService({ plan, backend, port, host: opts.host, env: io.env, dir: backend === 'local' ? stateDir(io, plan) : undefined });
      await new Promise<void>((resolve) => {
        const stop = () => void running.stop(drainMs).then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
};
