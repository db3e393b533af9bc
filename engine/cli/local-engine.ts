// Opening the local engine for a command: the spec, the state folder (PIPELINE_DIR or .pipeline next
// to the spec — the demo uses the same one), the local services processors need (found running or
// started for the command), and a log printer for alerts.
import path from 'node:path';
import { LocalServiceError, provideServices, type ProvidedServices } from '../devkit/services.js';
import type { LocalEngine } from '../runtime/local.js';
import type { Plan } from '../spec/plan.js';
import { CommandFailed, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { requirePlan } from './spec-file.js';
import { parseDuration } from '../spec/duration.js';
import { lockError, refuseWhileServing } from './serve-record.js';

export function stateDir(io: CliIO, plan: Plan): string {
  return path.resolve(io.cwd, io.env.PIPELINE_DIR ?? path.join(plan.dir, '.pipeline'));
}

export interface LocalEngineCommandOptions {
  /** The command runs processors: provide the spec's local services (`local.services`). */
  services?: boolean;
  /** Named in the one-line refusal while a local serve holds the state. */
  command?: string;
}

async function services(io: CliIO, plan: Plan, dir: string): Promise<ProvidedServices | undefined> {
  if (!plan.localServices.size) return undefined;
  try {
    const provided = await provideServices(plan, dir, io.env);
    for (const n of provided.notes) io.err(n);
    return provided;
  } catch (e) {
    if (e instanceof LocalServiceError) throw new CommandFailed(e.message, 1);
    throw e;
  }
}

/** `spec`: the spec file (default: the CLI's), or a plan the command loaded already to check its arguments first. */
export async function withLocalEngine<T>(io: CliIO, spec: string | Plan | undefined, fn: (local: LocalEngine, plan: Plan) => Promise<T>, opts: LocalEngineCommandOptions = {}): Promise<T> {
  const plan = typeof spec === 'object' ? spec : requirePlan(io, spec);
  const ttl = io.env.PIPELINE_LEASE_TTL;
  if (ttl !== undefined && ttl !== '' && !(parseDuration(ttl)! > 0)) throw new UsageError(`PIPELINE_LEASE_TTL=${JSON.stringify(ttl)} is not a duration`, 'a duration such as 30s or 2m');
  const dir = stateDir(io, plan);
  refuseWhileServing(dir, opts.command ?? 'this command');
  const provided = opts.services ? await services(io, plan, dir) : undefined;
  try {
    let local: LocalEngine;
    try {
      // Loaded here: DuckDB is most of a command's start-up, and validate, graph or ls never need it.
      const { openLocalEngine } = await import('../runtime/local.js');
      local = await openLocalEngine({ plan, dir, env: { ...io.env, ...provided?.env } });
    } catch (e) {
      throw lockError(e, dir) ?? e;
    }
    local.engine.alerts.printer = (line) => io.err(line);
    try {
      return await fn(local, plan);
    } finally {
      await local.close();
    }
  } finally {
    await provided?.close();
  }
}
