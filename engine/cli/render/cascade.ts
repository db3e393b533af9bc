// Prints execution-log entries as a readable cascade: one line per decision, completions indented
// under their run, gate and stage transitions, then a per-phase summary.
import type { LogEntry } from '../../ports.js';
import type { Plan } from '../../spec/plan.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function renderCascade(plan: Plan, entries: LogEntry[], opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  let n = 0;
  const row = (phase: string, who: string, what: string, why: string) => lines.push(`${pad(String(++n), 4)}${pad(phase, 12)}${pad(who.length > 34 ? who.slice(0, 33) + '…' : who, 36)}${pad(what, 18)}${why}`);
  for (const e of entries) {
    const why = (e.reasons ?? []).filter((r) => opts.verbose || !r.startsWith('warning:'));
    const scope = e.scope && e.scope !== 'all' ? ` [${e.scope}]` : '';
    if (e.event === 'run:started') row(e.phase ?? '', e.processor ?? '', 'run', `${why[0] ?? ''}${scope}`);
    else if (e.event === 'run:succeeded') lines.push(`${' '.repeat(16)}↳ ${e.processor} done: ${why.join(', ')}`);
    else if (e.event.startsWith('skip:') || e.event === 'rerun-requested' || e.event === 'fail:stale') row(e.phase ?? '', e.processor ?? '', e.event, `${why.join('; ')}${scope}`);
    else if (e.event.startsWith('run:failed')) row(e.phase ?? '', e.processor ?? '', e.event.slice(4), `${e.errorType}: ${e.errorMessage}`);
    else if (e.event === 'gate:fired' || e.event === 'gate:fired-degraded' || e.event === 'gate:skip:stop-after') row('gate', e.gate ?? '', e.event.slice(5), why.join('; '));
    else if ((e.event === 'gate:wait' || e.event === 'gate:unchanged') && opts.verbose) row('gate', e.gate ?? '', e.event.slice(5), why.join('; '));
    else if (e.event.startsWith('stage:')) row('stage', String((e.detail as { stage?: string })?.stage ?? ''), e.event.slice(6), why.join('; '));
    else if (e.event === 'external:recorded') row('input', String((e.detail as { asset?: string })?.asset ?? ''), 'updated', `v${(e.detail as { version?: number }).version} (${(e.detail as { origin?: string }).origin})`);
    else if (e.event === 'message:rejected' || e.event === 'message:ignored') row('input', '', e.event.slice(8), why.join('; '));
    else if (e.event.startsWith('check:') && opts.verbose) row('check', String((e.detail as { check?: string })?.check ?? ''), e.event.slice(6), why.join('; '));
    else if (e.event.startsWith('alert:') && opts.verbose) row('alert', e.processor ?? '', e.event.slice(6), why.join('; '));
  }
  return [`${pad('#', 4)}${pad('phase', 12)}${pad('processor / gate', 36)}${pad('decision', 18)}why`, ...lines, '', summarize(plan, entries)].join('\n');
}

export function summarize(plan: Plan, entries: LogEntry[]): string {
  const per = new Map<string, { runs: number; ok: number; failed: number; skips: Map<string, number> }>();
  for (const ph of plan.phases) per.set(ph.name, { runs: 0, ok: 0, failed: 0, skips: new Map() });
  let fires = 0;
  for (const e of entries) {
    const s = e.phase ? per.get(e.phase) : undefined;
    if (e.event === 'gate:fired' || e.event === 'gate:fired-degraded') fires++;
    if (!s) continue;
    if (e.event === 'run:started') s.runs++;
    else if (e.event === 'run:succeeded') s.ok++;
    else if (e.event === 'run:failed-terminal') s.failed++;
    else if (e.event.startsWith('skip:') || e.event === 'rerun-requested' || e.event === 'fail:stale') s.skips.set(e.event, (s.skips.get(e.event) ?? 0) + 1);
  }
  const out = [`${pad('phase', 14)}${pad('runs', 7)}${pad('ok', 7)}${pad('failed', 8)}skipped`];
  for (const [ph, s] of per) {
    const skips = [...s.skips].map(([k, v]) => `${v} ${k}`).join(', ') || '-';
    out.push(`${pad(ph, 14)}${pad(String(s.runs), 7)}${pad(String(s.ok), 7)}${pad(String(s.failed), 8)}${skips}`);
  }
  out.push(`gate fires: ${fires}`);
  return out.join('\n');
}
