// What the demo prints: a per-phase summary of runs, rows and skips with their reasons, the runs of an
// incremental update with their scopes and what each changed, and a published prediction in one line.
import type { LogEntry } from '../../engine/ports.js';
import { waveGraph } from '../../engine/core/waves.js';
import type { Plan } from '../../engine/spec/plan.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);

export interface PlayerPick {
  player: string;
  team: string;
  game: string;
}

export function phaseSummary(plan: Plan, entries: LogEntry[]): string {
  const lines = [`  ${pad('phase', 16)}${pad('runs', 7)}${pad('ok', 7)}${pad('failed', 8)}${pad('rows', 9)}skips (reason)`];
  for (const ph of plan.phases) {
    const mine = entries.filter((e) => e.phase === ph.name);
    const runs = mine.filter((e) => e.event === 'run:started').length;
    const ok = mine.filter((e) => e.event === 'run:succeeded').length;
    const failed = mine.filter((e) => e.event === 'run:failed-terminal').length;
    const rows = mine.filter((e) => e.event === 'run:succeeded').reduce((a, e) => a + (e.rowsWritten ?? 0), 0);
    const skips = new Map<string, number>();
    for (const e of mine) {
      if (!e.event.startsWith('skip:')) continue;
      const k = `${e.event} (${firstReason(e)})`;
      skips.set(k, (skips.get(k) ?? 0) + 1);
    }
    const sorted = [...skips].sort((a, b) => b[1] - a[1]);
    const head = `  ${pad(`${ph.number}. ${ph.name}`, 16)}${pad(runs, 7)}${pad(ok, 7)}${pad(failed, 8)}${pad(rows, 9)}`;
    lines.push(sorted.length ? `${head}${sorted[0]![1]}× ${sorted[0]![0]}` : `${head}-`);
    for (const [k, n] of sorted.slice(1, 4)) lines.push(`  ${' '.repeat(47)}${n}× ${k}`);
    if (sorted.length > 4) lines.push(`  ${' '.repeat(47)}… ${sorted.slice(4).reduce((a, [, n]) => a + n, 0)} more`);
  }
  const fires = entries.filter((e) => e.event.startsWith('gate:fired')).length;
  lines.push(`  gate fires: ${fires}; stage epochs: ${entries.filter((e) => e.event === 'stage:fired').length}`);
  return lines.join('\n');
}

/** Readable reasons: execution ids, fingerprints and dates folded so equal reasons count together. */
function firstReason(e: LogEntry): string {
  const r = (e.reasons ?? [])[0] ?? '';
  return r
    .replace(/execution [0-9a-f-]{36}/g, 'an earlier run')
    .replace(/ \(fingerprint [0-9a-f]+, scope [^)]*\)/, '')
    .replace(/ for \d{4}-\d{2}-\d{2}/, '')
    .slice(0, 100);
}

export function failureLines(log: LogEntry[]): string[] {
  return log.filter((e) => e.event === 'run:failed-terminal').map((e) => `${e.partition} ${e.processor}: ${e.errorType}: ${e.errorMessage}`);
}

const changedText = (e: LogEntry | undefined): string => {
  if (!e) return '(did not finish)';
  const c = e.changedEntities as Record<string, string[]> | null | undefined;
  const versions = (e.reasons ?? []).filter((r) => / v\d+/.test(r)).map((r) => r.replace(/ \(.*\)$/, ''));
  if (!versions.length) return 'nothing (content unchanged)';
  if (!c || !Object.keys(c).length) return versions.join(', ');
  return Object.entries(c)
    .map(([k, ids]) => `${k}:${ids.length <= 3 ? ids.join(',') : `${ids.length} ids`}`)
    .join(' ');
};

/** A scope as the log writes it ("player:a,b,c,d,e,…(+41)"), short enough for a column. */
function scopeCell(text: string | undefined): string {
  if (!text || text === 'all') return 'all (whole date)';
  if (text.length <= 42) return text;
  const m = /^(\w+):(.*?)(?:,…\(\+(\d+)\))?$/.exec(text);
  if (!m) return text.slice(0, 42);
  const n = m[2]!.split(',').length + Number(m[3] ?? 0);
  return `${m[1]}: ${n} ids (${m[2]!.split(',')[0]}, …)`;
}

/** One line per run of an incremental update: phase, processor, scope, and what its write changed. */
export function incrementalRuns(plan: Plan, log: LogEntry[]): string[] {
  const done = new Map(log.filter((e) => e.event === 'run:succeeded' && e.executionId).map((e) => [e.executionId!, e] as const));
  const lines = [`  ${pad('phase', 15)}${pad('processor', 31)}${pad('scope', 44)}changed`];
  for (const e of log.filter((x) => x.event === 'run:started')) {
    const ph = plan.processors.get(e.processor!)!;
    lines.push(`  ${pad(`${ph.phaseNumber} ${ph.phase}`, 15)}${pad(e.processor!, 31)}${pad(scopeCell(e.scope), 44)}${changedText(done.get(e.executionId!))}`);
  }
  const skips = new Map<string, number>();
  for (const e of log.filter((x) => x.event.startsWith('skip:'))) skips.set(e.event, (skips.get(e.event) ?? 0) + 1);
  lines.push(`  skipped: ${[...skips].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none'}`);
  return lines;
}

/**
 * Whether an update ran as one wave: each processor it reached ran once, and only after every processor
 * upstream of it (in the partition) had finished. One line to print, plus what broke the rule, if anything.
 */
export function waveCheck(plan: Plan, log: LogEntry[]): { ok: boolean; line: string } {
  const runs = new Map<string, number>();
  for (const e of log.filter((x) => x.event === 'run:started')) runs.set(e.processor!, (runs.get(e.processor!) ?? 0) + 1);
  const at = (event: string, p: string) => log.findIndex((x) => x.event === event && x.processor === p);
  const twice = [...runs].filter(([, n]) => n > 1).map(([p, n]) => `${p} ran ${n}×`);
  const early: string[] = [];
  const upstream = waveGraph(plan).upstream;
  for (const p of runs.keys()) for (const u of upstream.get(p)!) if (runs.has(u) && at('run:succeeded', u) > at('run:started', p)) early.push(`${p} started before ${u} finished`);
  const held = log.filter((e) => e.event === 'held').length;
  const bad = [...twice, ...early];
  return bad.length
    ? { ok: false, line: `NOT one wave: ${bad.join('; ')}` }
    : { ok: true, line: `one wave: each of the ${runs.size} affected processors ran once, each after everything upstream of it (${held} held back until their upstream settled)` };
}

/** What an incremental update reached: players whose rows changed (phase 3 on), and the scopes run from phase 4 on. */
export function flipReach(plan: Plan, log: LogEntry[]): { changedPlayers: string[]; laterScopes: string[] } {
  const phase = (e: LogEntry) => plan.processors.get(e.processor!)!.phaseNumber;
  const players = new Set<string>();
  for (const e of log) if (e.event === 'run:succeeded' && phase(e) >= 3) for (const p of ((e.changedEntities ?? {}) as Record<string, string[]>).player ?? []) players.add(p);
  const scopes = new Set(log.filter((e) => e.event === 'run:started' && phase(e) >= 4).map((e) => (e.scope === 'all' ? 'all (date-level processors)' : e.scope!)));
  return { changedPlayers: [...players].sort(), laterScopes: [...scopes] };
}

/** A published player page in one line: recommendation, points, line, reason and injury status. */
export function summarizePrediction(page: Record<string, unknown> | undefined): string {
  if (!page) return '(not published)';
  const p = (page.prediction ?? {}) as { recommendation?: string; points?: number; line?: number | null; reason?: string | null };
  const bits = [`${p.recommendation ?? '?'} ${p.points ?? '?'} pts`];
  if (p.line !== undefined && p.line !== null) bits.push(`line ${p.line}`);
  if (p.reason) bits.push(`reason ${p.reason}`);
  bits.push(String(page.injury_status ?? '?'));
  return bits.join(', ');
}
