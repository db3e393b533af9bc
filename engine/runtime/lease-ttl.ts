// PIPELINE_LEASE_TTL, read the same way by every backend; its own file so that the gcp engine and the
// service do not load the local backends (DuckDB) to read one setting.
import { parseDuration } from '../spec/duration.js';

/** PIPELINE_LEASE_TTL (a duration such as 30s): how long a lease lives without its heartbeat (any backend). */
export function leaseTtl(env: Record<string, string | undefined>): number | undefined {
  const raw = env.PIPELINE_LEASE_TTL;
  if (raw === undefined || raw === '') return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) throw new Error(`PIPELINE_LEASE_TTL=${JSON.stringify(raw)} is not a duration (e.g. 30s, 2m)`);
  return ms;
}
