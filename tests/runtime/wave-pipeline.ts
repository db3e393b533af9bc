// A small pipeline shaped like the NBA phases 2–5, for the fault stories: a source → two analytics
// processors where one reads the other (offense → players) → a gate over both → a two-level stage
// ([form, form2] then [vectors]) → a report triggered both by a gate member and by the stage's last
// level (like player_points_predictions). Processors are pure functions of their inputs, counted, and
// each may be given a hook that runs first (to hold it with a latch, or to make it throw).
import { defineUntypedProcessor, type DefinedProcessor, type ProcessorContext } from '../../engine/runtime/processor.js';

export const WAVE_SPEC = `
version: 1
name: waves
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms }
entities:
  item: {}
datasets:
  d:
    tables:
      events: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
      offense: { columns: { day: { type: date }, item: { type: string }, o: { type: int64 } }, key: [item], entities: { item: item } }
      players: { columns: { day: { type: date }, item: { type: string }, p: { type: int64 } }, key: [item], entities: { item: item } }
      form: { columns: { day: { type: date }, item: { type: string }, f: { type: int64 } }, key: [item], entities: { item: item } }
      form2: { columns: { day: { type: date }, item: { type: string }, g: { type: int64 } }, key: [item], entities: { item: item } }
      vectors: { columns: { day: { type: date }, item: { type: string }, v: { type: int64 } }, key: [item], entities: { item: item } }
      report: { columns: { day: { type: date }, item: { type: string }, text: { type: string } }, key: [item], entities: { item: item } }
phases:
  ingest: { number: 1, topic: w-ingest }
  analytics: { number: 2, topic: w-analytics }
  features: { number: 3, topic: w-features }
  publish: { number: 4, topic: w-publish }
processors:
  load_events: { phase: ingest, module: none.ts, writes: d.events }
  offense: { phase: analytics, module: none.ts, writes: d.offense, scopes: [item], reads: { d.events: {} } }
  players: { phase: analytics, module: none.ts, writes: d.players, scopes: [item], reads: { d.events: {}, d.offense: {} } }
  form: { phase: features, module: none.ts, writes: d.form, scopes: [item], reads: { d.players: {} } }
  form2: { phase: features, module: none.ts, writes: d.form2, scopes: [item], reads: { d.offense: {} } }
  vectors: { phase: features, module: none.ts, writes: d.vectors, scopes: [item], reads: { d.form: {}, d.form2: {} } }
  report:
    phase: publish
    module: none.ts
    writes: d.report
    scopes: [item]
    reads: { d.vectors: {}, d.players: {} }
    triggers: [d.vectors, d.players]
gates:
  ready: { wait_for: [offense, players], fires: [features] }
stages:
  features: { levels: [[form, form2], [vectors]] }
`;

export type WaveName = 'load_events' | 'offense' | 'players' | 'form' | 'form2' | 'vectors' | 'report';
export type Hook = (ctx: ProcessorContext, run: number) => Promise<void> | void;
type Row = Record<string, number | string>;

export interface WavePipeline {
  source: { rows: Array<{ item: string; value: number }> };
  runs: Record<WaveName, number>;
  /** What each run of `report` read: item → `v/p` (to tell generations apart). */
  reports: Array<Record<string, string>>;
  hooks: Partial<Record<WaveName, Hook>>;
  processors: Record<WaveName, DefinedProcessor>;
}

export function wavePipeline(rows = [{ item: 'a', value: 1 }, { item: 'b', value: 2 }]): WavePipeline {
  const w: WavePipeline = {
    source: { rows },
    runs: { load_events: 0, offense: 0, players: 0, form: 0, form2: 0, vectors: 0, report: 0 },
    reports: [],
    hooks: {},
    processors: {} as Record<WaveName, DefinedProcessor>,
  };
  const read = async (ctx: ProcessorContext, t: string) => (await ctx.read(t, { scope: ctx.scope })) as Row[];
  const by = (rs: Row[]) => new Map(rs.map((r) => [String(r.item), r] as const));
  const def = (name: WaveName, fn: (ctx: ProcessorContext) => Promise<Row[]>) =>
    (w.processors[name] = defineUntypedProcessor(name, {
      async run(ctx) {
        const n = ++w.runs[name];
        await w.hooks[name]?.(ctx, n);
        ctx.write(await fn(ctx));
      },
    }));
  def('load_events', async () => w.source.rows);
  def('offense', async (ctx) => (await read(ctx, 'd.events')).map((r) => ({ item: r.item!, o: Number(r.value) * 10 })));
  def('players', async (ctx) => {
    const o = by(await read(ctx, 'd.offense'));
    return (await read(ctx, 'd.events')).map((r) => ({ item: r.item!, p: Number(r.value) + Number(o.get(String(r.item))?.o ?? 0) }));
  });
  def('form', async (ctx) => (await read(ctx, 'd.players')).map((r) => ({ item: r.item!, f: Number(r.p) * 2 })));
  def('form2', async (ctx) => (await read(ctx, 'd.offense')).map((r) => ({ item: r.item!, g: Number(r.o) + 1 })));
  def('vectors', async (ctx) => {
    const g = by(await read(ctx, 'd.form2'));
    return (await read(ctx, 'd.form')).map((r) => ({ item: r.item!, v: Number(r.f) + Number(g.get(String(r.item))?.g ?? 0) }));
  });
  def('report', async (ctx) => {
    const p = by(await read(ctx, 'd.players'));
    const vs = await read(ctx, 'd.vectors');
    const seen: Record<string, string> = {};
    const out = vs.map((r) => {
      const text = `${r.v}/${p.get(String(r.item))?.p ?? '-'}`;
      seen[String(r.item)] = text;
      return { item: r.item!, text };
    });
    w.reports.push(seen);
    return out;
  });
  return w;
}

/** What report should say for an event value (the whole chain applied by hand). */
export function expectedText(value: number): string {
  const o = value * 10;
  const p = value + o;
  return `${p * 2 + o + 1}/${p}`;
}
