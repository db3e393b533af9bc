// `--verbose`: a processor's log line as the CLI prints it while the run goes on,
// `[load_events 2025-11-15] INFO loaded rows {"rows":120}` — the same `[processor partition]` prefix as
// the live failure lines, so one grep follows a processor through its logs and its failures.
import { inspect } from 'node:util';
import type { RunLogLine } from '../../runtime/error-location.js';

/** Fields as one line of JSON; what JSON cannot hold (a cycle, a bigint) as Node prints it. */
function fieldsText(detail: Record<string, unknown>): string {
  try {
    return JSON.stringify(detail);
  } catch {
    return inspect(detail, { breakLength: Infinity, depth: 4 });
  }
}

export function processorLogLine(processor: string, partition: string, line: RunLogLine): string {
  const fields = line.detail && typeof line.detail === 'object' && Object.keys(line.detail).length ? ` ${fieldsText(line.detail)}` : '';
  // A message over several lines stays one entry to the eye: its later lines are indented.
  return `[${processor} ${partition}] ${line.level.toUpperCase()} ${String(line.message).replace(/\n/g, '\n    ')}${fields}`;
}
