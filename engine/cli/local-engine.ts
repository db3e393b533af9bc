// Opening the local engine for a command: the spec, the state folder (PIPELINE_DIR or .pipeline next
// to the spec), and a log printer for alerts.
import path from 'node:path';
import { openLocalEngine, type LocalEngine } from '../runtime/local.js';
import type { Plan } from '../spec/plan.js';
import type { CliIO } from './io.js';
import { requirePlan } from './spec-file.js';
import { UsageError } from './errors.js';
import { parseDuration } from '../spec/duration.js';

export function stateDir(io: CliIO, plan: Plan): string {
  return path.resolve(io.cwd, io.env.PIPELINE_DIR ?? path.join(plan.dir, '.pipeline'));
}

export async function withLocalEngine<T>(io: CliIO, file: string | undefined, fn: (local: LocalEngine, plan: Plan) => Promise<T>): Promise<T> {
  const plan = requirePlan(io, file);
  const ttl = io.env.PIPELINE_LEASE_TTL;
  if (ttl !== undefined && ttl !== '' && !(parseDuration(ttl)! > 0)) throw new UsageError(`PIPELINE_LEASE_TTL=${JSON.stringify(ttl)} is not a duration`, 'a duration such as 30s or 2m');
  const local = await openLocalEngine({ plan, dir: stateDir(io, plan), env: io.env });
  local.engine.alerts.printer = (line) => io.err(line);
  try {
    return await fn(local, plan);
  } finally {
    await local.close();
  }
}
