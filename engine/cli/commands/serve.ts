// `pipeline serve [--backend local|gcp]`: the one HTTP service. Local by default (embedded backends,
// in-process cron, periodic reconciler); gcp in production. Every flag has an environment variable
// (engine/service/settings.ts; Cloud Run configures containers by environment); a flag wins over its
// variable. SIGTERM: stop taking work (503), let in-flight runs finish within the drain bound, interrupt
// the rest (leases released, runs requested again), flush the log, close the clients, exit 0.
import { Option } from 'commander';
import { backendEnv, resolveServeSettings, SERVE_SETTINGS, SettingError, SHUTDOWN, type SettingKey } from '../../service/settings.js';
import { UsageError } from '../errors.js';
import { requireGcpAccess, requireGcpProject } from '../gcp-engine.js';
import { parseDate } from '../args.js';
import type { ServiceLogger } from '../../service/log.js';
import { stateDir } from '../local-engine.js';
import { recordServe, refuseWhileServing, unrecordServe } from '../serve-record.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const serve: Registrar = (program, io) => {
  const cmd = program.command('serve').description('serve Pub/Sub pushes, Cloud Scheduler calls and the status API over HTTP');
  for (const key of Object.keys(SERVE_SETTINGS) as SettingKey[]) {
    const s = SERVE_SETTINGS[key];
    cmd.addOption(new Option(s.flag, `${s.description} (env ${s.env}; default ${s.shown})`));
  }
  cmd
    .addHelpText('after', '\nExamples:\n  $ pipeline serve                     # local, port 8080\n  $ PIPELINE_BACKEND=gcp PIPELINE_OIDC_AUDIENCE=https://SERVICE-URL pipeline serve')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      let settings;
      try {
        settings = resolveServeSettings(flags, io.env);
      } catch (e) {
        if (e instanceof SettingError) throw new UsageError(e.message, e.usage);
        throw e;
      }
      const plan = requirePlan(io, program.opts().file as string | undefined);
      if (settings.backend === 'gcp') {
        requireGcpProject('serve --backend gcp', settings, plan);
        await requireGcpAccess('serve --backend gcp', io.env);
      }
      if (settings.backend === 'local') refuseWhileServing(stateDir(io, plan), 'a second serve');
      const { startService } = await import('../../service/start.js');
      const running = await startService({
        plan, backend: settings.backend, port: settings.port, host: settings.host,
        env: backendEnv(settings, io.env, plan),
        dir: settings.backend === 'local' ? stateDir(io, plan) : undefined,
        oidc: settings.oidcAudience ? { audience: settings.oidcAudience, emails: settings.oidcEmails ?? [], certsUrl: settings.oidcCertsUrl } : undefined,
        maxBodyBytes: settings.maxBodyBytes, bodyTimeoutMs: settings.bodyTimeoutMs, publicStatus: settings.publicStatus,
      });
      // A local serve holds the state folder: other commands of that folder find it here.
      const dir = settings.backend === 'local' ? stateDir(io, plan) : undefined;
      if (dir) recordServe(dir, `http://${!settings.host || settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${running.port}`);
      await untilSignal(async () => {
        // A last resort, should a step hang: the platform would SIGKILL us anyway, a little later.
        setTimeout(() => {
          io.err(`pipeline: serve did not stop within ${settings.drainMs + SHUTDOWN.reserveMs} ms; exiting`);
          process.exit(1);
        }, settings.drainMs + SHUTDOWN.reserveMs).unref();
        await running.stop(settings.drainMs);
        if (dir) unrecordServe(dir);
      });
    });

  cmd.parent!
    .command('ui')
    .description('the status page on this machine: the local state (the same as `pipeline run` and `status` read), served on 127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--date <date>', 'the partition the printed address opens (default: today in the pipeline\'s time zone)')
    .addHelpText('after', '\nExamples:\n  $ pipeline ui\n  $ pipeline ui --port 0 --date 2025-11-15\n\nThe local state is one DuckDB file, open in one process at a time: stop `pipeline ui` before `pipeline run`, or trigger runs through it (POST /trigger).')
    .action(async (opts: { port: string; date?: string }) => {
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw new UsageError(`--port ${JSON.stringify(opts.port)} is not a port`, '--port N (0..65535; 0 = any free port)');
      const date = opts.date === undefined ? undefined : parseDate(opts.date);
      const plan = requirePlan(io, program.opts().file as string | undefined);
      const { startService } = await import('../../service/start.js');
      const running = await startService({
        plan, backend: 'local', port, host: '127.0.0.1', env: io.env, dir: stateDir(io, plan), background: false, publicStatus: true,
        logger: { log: (severity, message) => { if (severity === 'ERROR' || severity === 'WARNING') io.err(message); } } satisfies ServiceLogger,
      });
      const dir = stateDir(io, plan);
      recordServe(dir, `http://127.0.0.1:${running.port}`);
      io.out(`status page of ${plan.name}: http://127.0.0.1:${running.port}/${date ? `?date=${date}` : ''}  (Ctrl-C stops it)`);
      await untilSignal(async () => {
        await running.stop(10_000);
        unrecordServe(dir);
      });
    });
};

function untilSignal(stop: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => void stop().then(() => resolve());
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}
