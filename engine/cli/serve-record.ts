// A local `pipeline serve` holds the embedded state (DuckDB allows one writing process per file), so
// it records itself in the state folder (`services/@serve.json`: url, pid) while it runs; the other commands of
// that folder find it there and answer with one line naming it, instead of failing on DuckDB's
// `Could not set lock on file`. A record counts only while its process lives.
import { processAlive, readServiceRecord, recordPath, removeServiceRecord, writeServiceRecord, type ServiceRecord } from '../devkit/services.js';
import { CommandFailed } from './errors.js';

// services/NAME.json is the local services' folder; serve's record sits beside it, under a name no
// service can take (service names are lower_snake_case).
const NAME = '@serve';

export function recordServe(stateDir: string, url: string): string {
  return writeServiceRecord(stateDir, NAME, url);
}

export function unrecordServe(stateDir: string): void {
  removeServiceRecord(stateDir, NAME);
}

export function liveServe(stateDir: string): ServiceRecord | undefined {
  const rec = readServiceRecord(stateDir, NAME);
  return rec && rec.pid !== process.pid && processAlive(rec.pid) ? rec : undefined;
}

export const serveRecordPath = (stateDir: string) => recordPath(stateDir, NAME);

/** Fails with one line when a live serve holds the state folder. */
export function refuseWhileServing(stateDir: string, command: string): void {
  const s = liveServe(stateDir);
  if (!s) return;
  throw new CommandFailed(`the local state in ${stateDir} is held by \`pipeline serve\` (pid ${s.pid}, ${s.url}): ${command} cannot open it while it runs — ask the service (GET ${s.url}/status?date=…, /explain/PROCESSOR?date=…, /trace/ID; POST /trigger, /reconcile), or stop it (kill ${s.pid}) and run the command again`, 1);
}

/** DuckDB's lock error, in one line naming the process that holds the file. */
export function lockError(e: unknown, stateDir: string): CommandFailed | undefined {
  const m = e instanceof Error ? e.message : '';
  if (!/Could not set lock on file/.test(m)) return undefined;
  const pid = /PID (\d+)/.exec(m)?.[1];
  return new CommandFailed(`the local state in ${stateDir} is in use by another process${pid ? ` (pid ${pid})` : ''}: wait for it to finish or stop it, then run the command again`, 1);
}
