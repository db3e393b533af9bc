// What `pipeline ls` and `pipeline schedule list` print: the spec's processors, tables, gates, stages
// and schedules as rows, filtered, from the Plan only. A schedule's next fires come from croner (the
// scheduler the runtime uses), shown in the pipeline's time zone with the partition each would run.
import { Cron } from 'croner';
import { addDays, localDate } from '../../core/dates.js';
import type { Plan, SchedulePlan } from '../../spec/plan.js';

export const KINDS = ['processors', 'tables', 'gates', 'stages', 'schedules'] as const;
export type ListKind = (typeof KINDS)[number];

export interface ListFilter {
  /** Names containing this text (case-insensitive), or matching it as a glob with `*`. */
  match?: string;
  phase?: string;
  /** Processors that read / write this asset; tables read / written by this processor. */
  reads?: string;
  writes?: string;
}

export type ListRow = Record<string, string | number | string[] | null>;

function matcher(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return (n) => n.toLowerCase().includes(p);
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (n) => re.test(n.toLowerCase());
}

export function listRows(plan: Plan, kind: ListKind, f: ListFilter, now: number): ListRow[] {
  const named = matcher(f.match);
  switch (kind) {
    case 'processors':
      return plan.order.map((n) => plan.processors.get(n)!)
        .filter((p) => named(p.name) && (!f.phase || p.phase === f.phase) && (!f.reads || p.reads.some((r) => r.asset === f.reads)) && (!f.writes || p.outputs.includes(f.writes)))
        .sort((a, b) => a.phaseNumber - b.phaseNumber || plan.order.indexOf(a.name) - plan.order.indexOf(b.name))
        .map((p) => ({
          name: p.name, phase: p.phase, writes: p.outputs.join(', '),
          reads: p.reads.map((r) => `${r.asset}${r.critical ? '' : ' (optional)'}`),
          // Most processors are triggered by their same-partition reads: say so rather than repeat them.
          triggers: !p.triggers.length ? 'none' : p.triggers.length === p.reads.length ? 'its reads' : [...p.triggers],
          scopes: [...p.scopes],
          by: [...(p.stage ? [`stage ${p.stage.name}/level-${p.stage.level}`] : []), ...[...plan.gates.values()].filter((g) => g.fires.some((t) => t.kind === 'processor' && t.name === p.name)).map((g) => `gate ${g.name}`)].join(', ') || null,
        }));
    case 'tables': {
      const readers = new Map<string, string[]>();
      for (const p of plan.processors.values()) for (const r of p.reads) readers.set(r.asset, [...(readers.get(r.asset) ?? []), p.name]);
      return [...plan.assets.values()]
        .filter((a) => {
          const writer = plan.writerOf.get(a.ref);
          const phase = writer ? plan.processors.get(writer)!.phase : undefined;
          return named(a.ref) && (!f.phase || phase === f.phase) && (!f.writes || writer === f.writes) && (!f.reads || (readers.get(a.ref) ?? []).includes(f.reads));
        })
        .map((a) => ({
          name: a.ref, kind: a.kind,
          writer: plan.writerOf.get(a.ref) ?? (a.kind === 'table' && a.external ? 'external' : null),
          readers: readers.get(a.ref) ?? [],
          key: a.kind === 'table' ? [...a.key] : [],
          description: a.description ?? null,
        }));
    }
    case 'gates':
      return [...plan.gates.values()].filter((g) => named(g.name) && (!f.phase || g.members.some((m) => plan.processors.get(m)?.phase === f.phase))).map((g) => ({
        name: g.name, waits_for: [...g.members], critical: [...g.critical], fires: g.fires.map((t) => `${t.kind} ${t.name}`),
        deadline: g.deadline ? `${g.deadline.afterMs / 60_000}m, min ${g.deadline.minFraction}` : null,
      }));
    case 'stages':
      return [...plan.stages.values()].filter((s) => named(s.name) && (!f.phase || s.levels.flat().some((m) => plan.processors.get(m)?.phase === f.phase))).map((s) => ({
        name: s.name, levels: s.levels.map((l, i) => `${i + 1}: ${l.join(', ')}`).join(' | '),
        fired_by: [...plan.gates.values()].filter((g) => g.fires.some((t) => t.kind === 'stage' && t.name === s.name)).map((g) => g.name),
      }));
    case 'schedules':
      return [...plan.schedules.values()].filter((s) => named(s.name) && (!f.phase || (s.target.kind === 'processor' && plan.processors.get(s.target.name)?.phase === f.phase))).map((s) => {
        const [next] = nextFires(plan, s, now, 1);
        return { name: s.name, cron: `${s.cron} ${s.timezone}`, target: `${s.target.kind} ${s.target.name}`, partition: s.partition, next: next ? `${next.local} → ${next.partition}` : null };
      });
  }
}

/** `YYYY-MM-DD HH:MM` in a time zone. */
export function wallClock(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export interface Fire {
  at: string;
  /** In the pipeline's time zone. */
  local: string;
  /** The partition the fire runs its target for. */
  partition: string;
}

export function nextFires(plan: Plan, s: SchedulePlan, now: number, count: number): Fire[] {
  const cron = new Cron(s.cron, { timezone: s.timezone, paused: true });
  const out: Fire[] = [];
  let from = new Date(now);
  for (let i = 0; i < count; i++) {
    const next = cron.nextRun(from);
    if (!next) break;
    const ms = next.getTime();
    const today = localDate(ms, plan.partition.timezone);
    const partition = s.partition === 'yesterday' ? addDays(today, -1) : s.partition === 'tomorrow' ? addDays(today, 1) : today;
    out.push({ at: new Date(ms).toISOString(), local: `${wallClock(ms, plan.partition.timezone)} ${plan.partition.timezone}`, partition });
    from = next;
  }
  return out;
}

/** Rows as aligned columns (lists joined by commas, long cells cut: --json has them whole). */
export function table(rows: ListRow[], columns: string[]): string[] {
  const MAX = 70;
  const full = (v: ListRow[string]) => (v === null ? '-' : Array.isArray(v) ? v.join(', ') || '-' : String(v));
  const cell = (v: ListRow[string]) => {
    const t = full(v);
    return t.length > MAX ? `${t.slice(0, MAX - 1)}…` : t;
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? null).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(columns), ...rows.map((r) => fmt(columns.map((c) => cell(r[c] ?? null))))];
}
