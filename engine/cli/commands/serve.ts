// `pipeline serve [--backend local|gcp]`: the one HTTP service. Local by default (embedded backends,
// in-process cron, periodic reconciler); gcp in production. Every flag has an environment variable
// (engine/service/settings.ts; Cloud Run configures containers by environment); a flag wins over its
// variable. SIGTERM: stop taking work, finish in-flight runs within the bound, exit 0.
import { Option } from 'commander';
import { backendEnv, resolveServeSettings, SERVE_SETTINGS, SettingError, type SettingKey } from '../../service/settings.js';
import { startService } from '../../service/start.js';
import { UsageError } from '../errors.js';
import { stateDir } from '../local-engine.js';
import { recordServe, refuseWhileServing, unrecordServe } from '../serve-record.js';
import { requireGoogleCredentials } from '../google-credentials.js';
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
      // Every Google service pointed at an emulator or a local endpoint (tests): no credentials needed.
      const local = ['PUBSUB_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'PIPELINE_BIGQUERY_ENDPOINT', 'PIPELINE_STORAGE_ENDPOINT'].every((v) => io.env[v]);
      if (settings.backend === 'gcp' && !local) await requireGoogleCredentials('serve --backend gcp', io.env);
      if (settings.backend === 'local') refuseWhileServing(stateDir(io, plan), 'a second serve');
      const running = await startService({
        plan, backend: settings.backend, port: settings.port, host: settings.host,
        env: backendEnv(settings, io.env, plan),
        dir: settings.backend === 'local' ? stateDir(io, plan) : undefined,
        oidc: settings.oidcAudience ? { audience: settings.oidcAudience, emails: settings.oidcEmails ?? [], certsUrl: settings.oidcCertsUrl } : undefined,
        maxBodyBytes: settings.maxBodyBytes, bodyTimeoutMs: settings.bodyTimeoutMs,
      });
      // A local serve holds the state folder: other commands of that folder find it here.
      const dir = settings.backend === 'local' ? stateDir(io, plan) : undefined;
      if (dir) recordServe(dir, `http://${!settings.host || settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${running.port}`);
      await new Promise<void>((resolve) => {
        const stop = () => void running.stop(settings.drainMs).then(() => {
          if (dir) unrecordServe(dir);
          resolve();
        });
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
};
