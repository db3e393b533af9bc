// Starting the service on a backend: local (embedded backends, in-process cron for schedules,
// periodic reconciler) or gcp (Pub/Sub, Firestore, BigQuery, Cloud Storage). Used by `pipeline serve`
// and by tests that run several instances.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backends } from '../ports.js';
import { Engine } from '../runtime/engine.js';
import { ModuleExecutor, type Executor } from '../runtime/executor.js';
import { leaseTtl } from '../runtime/lease-ttl.js';
import { openLocalEngine } from '../runtime/local.js';
import { reconcile } from '../runtime/reconciler.js';
import { startCron } from '../runtime/schedules.js';
import type { Plan } from '../spec/plan.js';
import { jsonLogger, type LogSeverity, type ServiceLogger } from './log.js';
import { OidcVerifier, type OidcConfig } from './oidc.js';
import { createService, type Service, type ShutdownReport } from './server.js';
import { DEFAULT_DRAIN_MS } from './settings.js';

// A rejected message is its sender's mistake (answered 400 with the reason): a WARNING, not an ERROR.
function severityOf(event: string): LogSeverity {
  if (event === 'run:failed-terminal' || event === 'fail:stale' || event === 'check:failed' || event.startsWith('alert:run')) return 'ERROR';
  if (event === 'run:failed' || event === 'check:warned' || event.startsWith('alert:') || event === 'run:fenced' || event === 'message:rejected') return 'WARNING';
  return 'INFO';
}

/** The engine's version: its package.json, two folders up from the sources or three from dist/. */
export function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(here, ...up, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'pipeline') return pkg.version;
    } catch {
      // not there: look one folder further up
    }
  }
  return 'unknown';
}

export interface RunningService {
  service: Service;
  engine: Engine;
  backends: Backends;
  port: number;
  /**
   * Graceful stop: no new work, in-flight runs finish within the bound or are interrupted (leases
   * released, runs requested again), logs flushed, the listener closed, the backend clients last.
   * Never rejects: a step that fails is logged and the next one runs.
   */
  stop(boundMs?: number): Promise<void>;
}

export interface StartOptions {
  plan: Plan;
  backend: 'local' | 'gcp';
  port: number;
  host?: string;
  env: Record<string, string | undefined>;
  dir?: string;
  logger?: ServiceLogger;
  executor?: Executor;
  /** Local only: drive schedules with the in-process cron and reconcile periodically (default true). */
  background?: boolean;
  reconcileEveryMs?: number;
  /** Verify an OIDC token on every request but /healthz. */
  oidc?: OidcConfig;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
  /** Open the read-only routes (status page, /status, ...) without a token even with OIDC. */
  publicStatus?: boolean;
}

export async function startService(opts: StartOptions): Promise<RunningService> {
  const { plan, env } = opts;
  const logger = opts.logger ?? jsonLogger((l) => process.stdout.write(`${l}\n`), env.PIPELINE_PROJECT ?? plan.project.id);
  let engine: Engine;
  let backends: Backends;
  let closeBackends: () => Promise<void>;
  let buckets: ReadonlyMap<string, string> | undefined;
  if (opts.backend === 'local') {
    const local = await openLocalEngine({ plan, dir: opts.dir, env, executor: opts.executor });
    engine = local.engine;
    backends = local.backends;
    // Not local.close(): it waits for the bus to be idle, and a stopping engine leaves deliveries to
    // retry. Those stay recorded in the state store; the next process adopts them.
    closeBackends = async () => {
      await engine.log.flush();
      await local.backends.close();
    };
  } else {
    const gcpModule = '../backends/gcp/index.js'; // resolved at run time: the gcp clients load only when used
    const gcp = (await import(gcpModule)) as {
      openGcpBackends(o: { plan: Plan; env: Record<string, string | undefined> }): Promise<Backends>;
      bucketNames(plan: Plan, env: Record<string, string | undefined>): Map<string, string>;
    };
    buckets = gcp.bucketNames(plan, env);
    backends = await gcp.openGcpBackends({ plan, env });
    await backends.warehouse.ensureTables(plan);
    engine = new Engine({ plan, backends, executor: opts.executor ?? new ModuleExecutor(env), env, leaseTtlMs: leaseTtl(env) });
    closeBackends = async () => {
      await engine.log.flush();
      await backends.close();
    };
  }
  engine.alerts.printer = (line) => logger.log('WARNING', line);
  // Every execution-log entry also goes to stdout as a structured line: the log-based metrics and
  // alert policies of infra/monitoring count these (jsonPayload.event, .processor, .detail.check).
  engine.log.listeners.push((e) => logger.log(severityOf(e.event), `${e.event}${e.processor ? ` ${e.processor}` : ''}${e.partition ? ` ${e.partition}` : ''}`, { ...e, ts: undefined }));
  const service = createService({
    engine, logger, version: packageVersion(), backend: opts.backend, buckets,
    oidc: opts.oidc ? new OidcVerifier(opts.oidc) : undefined, maxBodyBytes: opts.maxBodyBytes, bodyTimeoutMs: opts.bodyTimeoutMs, publicStatus: opts.publicStatus,
  });
  if (!opts.oidc) logger.log('WARNING', 'OIDC verification is off: every caller that reaches the service is trusted (set PIPELINE_OIDC_AUDIENCE)');
  const port = await service.listen(opts.port, opts.host);
  const stops: Array<() => void> = [];
  if (opts.backend === 'local' && opts.background !== false) {
    stops.push(startCron(engine, (e) => logger.log('ERROR', `schedule tick failed: ${e.message}`)));
    const t = setInterval(() => void reconcile(engine).catch((e: Error) => logger.log('ERROR', `reconcile failed: ${e.message}`)), opts.reconcileEveryMs ?? 60_000);
    stops.push(() => clearInterval(t));
  }
  logger.log('INFO', `pipeline ${plan.name} serving on port ${port} (backend ${opts.backend}, spec ${plan.specHash})`);
  let stopped: Promise<void> | undefined;
  return {
    service, engine, backends, port,
    stop(boundMs = DEFAULT_DRAIN_MS) {
      stopped ??= (async () => {
        for (const s of stops) s();
        logger.log('INFO', `stopping: new pushes get 503; in-flight runs have ${boundMs} ms to finish`);
        const step = async (what: string, f: () => Promise<unknown>) => {
          try {
            await f();
          } catch (e) {
            logger.log('ERROR', `stop: ${what} failed: ${(e as Error).message}`);
          }
        };
        let report: ShutdownReport | undefined;
        await step('draining', async () => (report = await service.shutdown(boundMs)));
        await step('closing the backends', closeBackends);
        logger.log('INFO', 'stopped', { drained: report?.drained, interrupted: report?.interrupted });
      })();
      return stopped;
    },
  };
}
