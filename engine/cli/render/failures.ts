// How the CLI tells about failures: one line as each attempt fails (so a bug does not sit silent
// behind its retries), the failures of the command at its end, and failures left from an earlier
// command that this one did not run again — each with where it threw (`at processors/x.ts:12:5`)
// and what to do next.
import type { LogEntry } from '../../ports.js';
import { errorText, type ErrorLocation } from '../../runtime/error-location.js';
import type { Unfinished } from '../../runtime/unfinished.js';

const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`);

interface FailureDetail {
  error?: ErrorLocation;
  maxAttempts?: number;
  retryInMs?: number;
}

const detailOf = (e: LogEntry) => (e.detail ?? {}) as FailureDetail;

/** `TypeError: boom at processors/x.ts:12:5` for a failure entry. */
export function entryError(e: LogEntry): string {
  return errorText(e.errorType, e.errorMessage, detailOf(e).error?.at);
}

/** The live line of a failed attempt (`run:failed`, `run:failed-terminal`), or undefined for other entries. */
export function liveFailureLine(e: LogEntry): string | undefined {
  const who = `[${e.processor} ${e.partition}]`;
  const d = detailOf(e);
  if (e.event === 'run:failed') {
    const wait = d.retryInMs !== undefined ? ` in ${seconds(d.retryInMs)}` : '';
    return `${who} retry ${(e.attempt ?? 1) + 1}/${d.maxAttempts ?? '?'}${wait}: ${entryError(e)}`;
  }
  if (e.event === 'run:failed-terminal') return `${who} failed for good after ${e.attempt ?? 1} attempt(s): ${entryError(e)}`;
  return undefined;
}

/** The failures of this command: terminal failures and stale inputs, with their location. */
export function failureLines(entries: LogEntry[]): string[] {
  return entries
    .filter((e) => e.event === 'run:failed-terminal' || e.event === 'fail:stale')
    .map((e) => `  ${e.partition} ${e.processor}: ${e.errorType ? entryError(e) : (e.reasons ?? []).join('; ')}`);
}

/**
 * Processors that failed for good before this command and were left as they were (a plain re-run
 * decides `skip:terminal`, or never reaches them): named, with the command that runs them again.
 */
export function earlierFailureLines(open: Unfinished[], entries: LogEntry[]): string[] {
  const now = new Set(entries.filter((e) => e.event === 'run:failed-terminal').map((e) => `${e.processor}|${e.partition}`));
  return open
    .filter((u) => u.kind === 'failed' && !now.has(`${u.processor}|${u.partition}`))
    .map((u) => `  ${u.partition} ${u.processor}: ${u.note.replace(/; downstream waits.*$/, '')}\n    not run again: fix it, then \`pipeline run --date ${u.partition} --processors ${u.processor} --force\` (or \`pipeline dlq replay\`)`);
}
