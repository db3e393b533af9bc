// Opening the engine on the Google Cloud backends for a command run from a laptop or a job
// (`pipeline reconcile --backend gcp`): the project, region and prefixes from the same flags and
// variables as `serve` (engine/service/settings.ts), credentials from the environment as the Google
// clients find them (application default credentials, or the emulators' *_EMULATOR_HOST). The
// command's process is a runner of its own: leases of other processes are judged by their expiry.
import type { Backends } from '../ports.js';
import { Engine } from '../runtime/engine.js';
import { ModuleExecutor } from '../runtime/executor.js';
import { leaseTtl } from '../runtime/lease-ttl.js';
import { backendEnv, type ServeSettings } from '../service/settings.js';
import type { Plan } from '../spec/plan.js';
import { CommandFailed } from './errors.js';
import type { CliIO } from './io.js';

export interface GcpEngine {
  engine: Engine;
  backends: Backends;
}

export async function withGcpEngine<T>(io: CliIO, plan: Plan, settings: ServeSettings, fn: (gcp: GcpEngine) => Promise<T>): Promise<T> {
  const env = backendEnv(settings, io.env, plan);
  const gcpModule = '../backends/gcp/index.js'; // resolved at run time: the gcp clients load only when used
  const gcp = (await import(gcpModule)) as { openGcpBackends(o: { plan: Plan; env: Record<string, string | undefined> }): Promise<Backends> };
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
