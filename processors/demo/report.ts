// What the demo prints: a per-phase summary of runs, rows and skips with their reasons, and the
// published files.
import type { LogEntry } from '../../engine/ports.js';
import type { Plan } from '../../engine/spec/plan.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);

export function phaseSummary(plan: Plan, entries: LogEntry[]): string {
  const lines = [`  ${pad('phase', 13)}${pad('runs', 6)}${pad('ok', 6)}${pad('failed', 8)}${pad('rows', 9)}skips`];
  for (const ph of plan.phases) {
    const mine = entries.filter((e) => e.phase === ph.name);
    const runs = mine.filter((e) => e.event === 'run:started').length;
    const ok = mine.filter((e) => e.event === 'run:succeeded').length;
    const failed = mine.filter((e) => e.event === 'run:failed-terminal').length;
    const rows = mine.filter((e) => e.event === 'run:succeeded').reduce((a, e) => a + (e.rowsWritten ?? 0), 0);
    const skips = new Map<string, number>();
    for (const e of mine) if (e.event.startsWith('skip:')) skips.set(`${e.event} (${firstReason(e)})`, (skips.get(`${e.event} (${firstReason(e)})`) ?? 0) + 1);
    lines.push(`  ${pad(`${ph.number}. ${ph.name}`, 13)}${pad(runs, 6)}${pad(ok, 6)}${pad(failed, 8)}${pad(rows, 9)}${skips.size ? '' : '-'}`);
    for (const [k, n] of [...skips].sort((a, b) => b[1] - a[1]).slice(0, 4)) lines.push(`  ${' '.repeat(42)}${n}× ${k}`);
  }
  const fires = entries.filter((e) => e.event.startsWith('gate:fired')).length;
  lines.push(`  gate fires: ${fires}; stage epochs: ${entries.filter((e) => e.event === 'stage:fired').length}`);
  return lines.join('\n');
}

function firstReason(e: LogEntry): string {
  const r = (e.reasons ?? [])[0] ?? '';
  return r.replace(/execution [0-9a-f-]{36}/g, 'an earlier run').replace(/fingerprint [0-9a-f]+/, 'same fingerprint').slice(0, 90);
}
