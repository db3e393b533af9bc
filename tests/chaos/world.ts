// The fault harness's own pipeline: three sources → three analytics tables (one reads another) → an
// all-of gate → a two-level stage → a report triggered both by the stage's last level and by a gate
// member → published objects and a document. Sources read a "world" the schedule changes (values
// move, entities appear and disappear); every other processor is a pure function of its inputs, so
// the final outputs depend only on the final world, whatever the faults did on the way.
import { defineUntypedProcessor, type DefinedProcessor, type ProcessorContext } from '../../engine/runtime/processor.js';

export const CHAOS_SPEC = `
version: 1
name: chaos
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 40ms }
entities:
  item: {}
buckets:
  site: { name: chaos-site }
objects:
  pages: { bucket: site, path: "pages/{date}/{file}" }
documents:
  summaries: { path: "summaries/{date}" }
datasets:
  raw:
    tables:
      a: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
      b: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
      c: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
  mart:
    tables:
      ta: { columns: { day: { type: date }, item: { type: string }, x: { type: int64 } }, key: [item], entities: { item: item } }
      tb: { columns: { day: { type: date }, item: { type: string }, y: { type: int64 } }, key: [item], entities: { item: item } }
      tc: { columns: { day: { type: date }, item: { type: string }, z: { type: int64 } }, key: [item], entities: { item: item } }
      f1: { columns: { day: { type: date }, item: { type: string }, u: { type: int64 } }, key: [item], entities: { item: item } }
      f2: { columns: { day: { type: date }, item: { type: string }, w: { type: int64 } }, key: [item], entities: { item: item } }
      vec: { columns: { day: { type: date }, item: { type: string }, v: { type: int64 } }, key: [item], entities: { item: item } }
      report: { columns: { day: { type: date }, item: { type: string }, text: { type: string } }, key: [item], entities: { item: item } }
phases:
  ingest: { number: 1, topic: c-ingest }
  analytics: { number: 2, topic: c-analytics }
  features: { number: 3, topic: c-features }
  publish: { number: 4, topic: c-publish }
processors:
  src_a: { phase: ingest, module: none.ts, writes: raw.a }
  src_b: { phase: ingest, module: none.ts, writes: raw.b }
  src_c: { phase: ingest, module: none.ts, writes: raw.c }
  ta: { phase: analytics, module: none.ts, writes: mart.ta, scopes: [item], reads: { raw.a: {} } }
  tb: { phase: analytics, module: none.ts, writes: mart.tb, scopes: [item], reads: { raw.b: {}, mart.ta: {} } }
  tc: { phase: analytics, module: none.ts, writes: mart.tc, scopes: [item], reads: { raw.c: {} } }
  f1: { phase: features, module: none.ts, writes: mart.f1, scopes: [item], reads: { mart.ta: {}, mart.tb: {} } }
  f2: { phase: features, module: none.ts, writes: mart.f2, scopes: [item], reads: { mart.tc: {} } }
  vec: { phase: features, module: none.ts, writes: mart.vec, scopes: [item], reads: { mart.f1: {}, mart.f2: { critical: false } } }
  report:
    phase: publish
    module: none.ts
    writes: mart.report
    scopes: [item]
    reads: { mart.vec: {}, mart.tc: { critical: false } }
    triggers: [mart.vec, mart.tc]
  publish:
    phase: publish
    module: none.ts
    writes: [objects/pages, documents/summaries]
    reads: { mart.report: {} }
gates:
  all_in: { wait_for: [ta, tb, tc], fires: [build] }
stages:
  build: { levels: [[f1, f2], [vec]] }
`;

export const SOURCES = ['src_a', 'src_b', 'src_c'] as const;
export type Source = (typeof SOURCES)[number];

/** What the sources would return now: source → partition → item → value. */
export type World = Record<Source, Record<string, Record<string, number>>>;

type Row = Record<string, string | number>;

export function chaosProcessors(world: World): Record<string, DefinedProcessor> {
  const read = async (ctx: ProcessorContext, t: string, scoped = true) => (await ctx.read(t, { scope: scoped ? ctx.scope : null })) as Row[];
  const by = (rows: Row[]) => new Map(rows.map((r) => [String(r.item), r] as const));
  const table = (name: string, fn: (ctx: ProcessorContext) => Promise<Row[]>) =>
    defineUntypedProcessor(name, { run: async (ctx) => ctx.write(await fn(ctx)) });
  const out: Record<string, DefinedProcessor> = {};
  for (const s of SOURCES) out[s] = table(s, async (ctx) => Object.entries(world[s][ctx.partition] ?? {}).map(([item, value]) => ({ item, value })));
  out.ta = table('ta', async (ctx) => (await read(ctx, 'raw.a')).map((r) => ({ item: r.item!, x: Number(r.value) * 3 })));
  out.tb = table('tb', async (ctx) => {
    const ta = by(await read(ctx, 'mart.ta'));
    return (await read(ctx, 'raw.b')).map((r) => ({ item: r.item!, y: Number(r.value) + Number(ta.get(String(r.item))?.x ?? 0) }));
  });
  out.tc = table('tc', async (ctx) => (await read(ctx, 'raw.c')).map((r) => ({ item: r.item!, z: Number(r.value) * 2 + 1 })));
  out.f1 = table('f1', async (ctx) => {
    const tb = by(await read(ctx, 'mart.tb'));
    return (await read(ctx, 'mart.ta')).map((r) => ({ item: r.item!, u: Number(r.x) + Number(tb.get(String(r.item))?.y ?? 0) }));
  });
  out.f2 = table('f2', async (ctx) => (await read(ctx, 'mart.tc')).map((r) => ({ item: r.item!, w: Number(r.z) * 5 })));
  out.vec = table('vec', async (ctx) => {
    const f2 = by(await read(ctx, 'mart.f2'));
    return (await read(ctx, 'mart.f1')).map((r) => ({ item: r.item!, v: Number(r.u) + Number(f2.get(String(r.item))?.w ?? 0) }));
  });
  out.report = table('report', async (ctx) => {
    const tc = by(await read(ctx, 'mart.tc'));
    return (await read(ctx, 'mart.vec')).map((r) => ({ item: r.item!, text: `${r.v}|${tc.get(String(r.item))?.z ?? '-'}` }));
  });
  out.publish = defineUntypedProcessor('publish', {
    async run(ctx) {
      const rows = (await read(ctx, 'mart.report', false)).sort((a, b) => String(a.item).localeCompare(String(b.item)));
      for (const r of rows) await ctx.putObject('objects/pages', `pages/${ctx.partition}/item-${r.item}.json`, { item: r.item, text: r.text });
      await ctx.putObject('objects/pages', `pages/${ctx.partition}/index.json`, { items: rows.map((r) => r.item) });
      await ctx.putDocument('documents/summaries', `summaries/${ctx.partition}`, { items: rows.length, texts: rows.map((r) => String(r.text)) });
    },
  });
  return out;
}
