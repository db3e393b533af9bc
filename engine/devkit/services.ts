// Finding, recording and starting the local services of a plan (`local.services`). A running service
// is recorded in `<state dir>/services/NAME.json` ({ url, pid }) by whoever started it for others to use
// (`pipeline source start`, the demo); a record counts only while its process lives and its URL
// answers. Otherwise a command that runs processors starts the service itself, for its own duration.
import { importUserModule } from '../runtime/user-modules.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalServicePlan, Plan } from '../spec/plan.js';
import { isDefinedLocalService, type RunningLocalService } from './local-service.js';

export interface ServiceRecord {
  name: string;
  url: string;
  pid: number;
  startedAt: string;
}

/** Why a service cannot be started: one line for the user, no stack. */
export class LocalServiceError extends Error {
  override name = 'LocalServiceError';
}

export const recordPath = (stateDir: string, name: string) => path.join(stateDir, 'services', `${name}.json`);

export function writeServiceRecord(stateDir: string, name: string, url: string, pid = process.pid): string {
  const file = recordPath(stateDir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ name, url, pid, startedAt: new Date().toISOString() } satisfies ServiceRecord, null, 2)}\n`);
  return file;
}

/** Remove a record, but only the one this process wrote (another may have replaced it since). */
export function removeServiceRecord(stateDir: string, name: string, pid = process.pid): void {
  const rec = readServiceRecord(stateDir, name);
  if (rec && rec.pid === pid) rmSync(recordPath(stateDir, name), { force: true });
}

export function readServiceRecord(stateDir: string, name: string): ServiceRecord | undefined {
  const file = recordPath(stateDir, name);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ServiceRecord;
    return typeof r.url === 'string' && Number.isInteger(r.pid) ? r : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something answers HTTP at `url` (any status) within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** The recorded service, when its process lives and its URL answers; a dead record is removed. */
export async function liveService(stateDir: string, name: string): Promise<ServiceRecord | undefined> {
  const rec = readServiceRecord(stateDir, name);
  if (!rec) return undefined;
  if (processAlive(rec.pid) && (await answers(rec.url))) return rec;
  rmSync(recordPath(stateDir, name), { force: true });
  return undefined;
}

export async function startService(plan: Plan, s: LocalServicePlan, opts: { port?: number; env: Record<string, string | undefined> }): Promise<RunningLocalService> {
  const file = path.resolve(plan.dir, s.module);
  if (!existsSync(file)) throw new LocalServiceError(`local service ${s.name}: module ${s.module} does not exist (local.services.${s.name}.module in ${plan.file})`);
  let mod: { default?: unknown };
  try {
    mod = await importUserModule(file);
  } catch (e) {
    throw new LocalServiceError(`local service ${s.name}: cannot load ${s.module}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isDefinedLocalService(mod.default)) throw new LocalServiceError(`local service ${s.name}: ${s.module} must default-export defineLocalService({ start }) from 'pipeline/local-service'`);
  try {
    return await mod.default.start({ port: opts.port ?? 0, env: opts.env });
  } catch (e) {
    throw new LocalServiceError(`local service ${s.name} did not start: ${(e as Error).message.split('\n')[0]}`);
  }
}

export interface ProvidedServices {
  /** Variables to add to the engine's environment. */
  env: Record<string, string>;
  /** One line per service: where its URL came from. */
  notes: string[];
  /** Stops the services this call started (not the ones it found running). */
  close(): Promise<void>;
}

/** URLs for every local service of the plan: from the environment, a live record, or a service started now. */
export async function provideServices(plan: Plan, stateDir: string, env: Record<string, string | undefined>): Promise<ProvidedServices> {
  const provided: Record<string, string> = {};
  const notes: string[] = [];
  const started: RunningLocalService[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
  };
  try {
    for (const s of plan.localServices.values()) {
      if (env[s.env]) continue;
      const live = await liveService(stateDir, s.name);
      if (live) {
        provided[s.env] = live.url;
        notes.push(`${s.name}: using ${live.url} (pid ${live.pid}) for ${s.env}`);
        continue;
      }
      const running = await startService(plan, s, { env });
      started.push(running);
      provided[s.env] = running.url;
      notes.push(`${s.name}: started at ${running.url} for this command (${s.env}); \`pipeline source start\` keeps one running`);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { env: provided, notes, close };
}
