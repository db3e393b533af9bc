// Opening the engine on the Google Cloud backends for a command run from a laptop or a job
// (`pipeline reconcile --backend gcp`): the project, region and prefixes from the same flags and
// variables as `serve` (engine/service/settings.ts), credentials from the environment as the Google
// clients find them (application default credentials, or the emulators' *_EMULATOR_HOST). Checked
// before any client is made: a missing project is a usage error (exit 2), missing credentials one line
// naming what to set (exit 1) — not a google-auth stack trace from deep inside the first call. The
// command's process is a runner of its own: leases of other processes are judged by their expiry.
import type { Backends } from '../ports.js';
import { Engine } from '../runtime/engine.js';
import { ModuleExecutor } from '../runtime/executor.js';
import { leaseTtl } from '../runtime/lease-ttl.js';
import { backendEnv, type ServeSettings } from '../service/settings.js';
import type { Plan } from '../spec/plan.js';
import { CommandFailed, UsageError } from './errors.js';
import type { CliIO } from './io.js';

export interface GcpEngine {
  engine: Engine;
  backends: Backends;
}

/** Every Google service pointed at an emulator or a local endpoint (tests, a laptop's emulators): no credentials needed. */
const LOCAL_SERVICE_VARIABLES = ['PUBSUB_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'PIPELINE_BIGQUERY_ENDPOINT', 'PIPELINE_STORAGE_ENDPOINT'] as const;

/** Throws CommandFailed (exit 1) naming what to set when `command` would reach Google Cloud without credentials. */
export async function requireGcpAccess(command: string, env: Record<string, string | undefined>): Promise<void> {
  if (LOCAL_SERVICE_VARIABLES.every((v) => env[v])) {
    // Nothing here needs credentials: without this the clients still probe for a metadata server
    // (seconds, and a MetadataLookupWarning on stderr). google-auth reads the process's environment.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    return;
  }
  await (await import('./google-credentials.js')).requireGoogleCredentials(command, env);
}

/** Throws UsageError (exit 2) when neither the settings nor the spec name the project. */
export function requireGcpProject(command: string, settings: ServeSettings, plan: Plan): void {
  if (!(settings.project ?? plan.project.id)) throw new UsageError(`${command} needs a Google Cloud project`, '--project ID (env PIPELINE_PROJECT), or `project.id` in the spec');
}

/** `command` names the command in the messages (`reconcile --backend gcp`). */
export async function withGcpEngine<T>(io: CliIO, command: string, plan: Plan, settings: ServeSettings, fn: (gcp: GcpEngine) => Promise<T>): Promise<T> {
  requireGcpProject(command, settings, plan);
  const env = backendEnv(settings, io.env, plan);
  await requireGcpAccess(command, env);
  // Imported here: the gcp clients load only when a command uses them.
  const gcp = await import('../backends/gcp/index.js');
  let backends: Backends;
  try {
    backends = await gcp.openGcpBackends({ plan, env });
  } catch (e) {
    throw new CommandFailed(`cannot open the gcp backends: ${(e as Error).message}`, 1);
  }
  const engine = new Engine({ plan, backends, executor: new ModuleExecutor(env), env, leaseTtlMs: leaseTtl(env) });
  engine.alerts.printer = (line) => io.err(line);
  try {
    return await fn({ engine, backends });
  } finally {
    await engine.alerts.flush().catch(() => undefined);
    await engine.log.flush().catch((e: Error) => io.err(`execution log not written: ${e.message}`));
    await backends.close();
  }
}
