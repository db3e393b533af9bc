// A publisher rewriting the same bytes does not touch the object or document store again (no I/O, no
// new GCS generation); changed files are written; the run records every path either way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { harness, TINY_SPEC } from './harness.js';

const SPEC = TINY_SPEC.replace('phases:', `buckets:
  api: { name: tiny-api }
objects:
  pages: { bucket: api, path: "pages/{name}.json" }
documents:
  cards: { path: "cards/{name}" }
phases:`).replace('  summary:\n    phase: publish', `  site:
    phase: publish
    module: none.ts
    writes: [objects/pages, documents/cards]
    reads: { mart.totals: { critical: true } }
  summary:
    phase: publish`);

describe('unchanged published content', () => {
  it('is not rewritten; changed content is', async () => {
    const source = { a: 1, b: 2 };
    const h = await harness({
      load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: source.a }, { item: 'b', value: source.b }]) }),
      totals: defineUntypedProcessor('totals', { async run(ctx) { const rows = (await ctx.read('raw.events')) as Array<{ item: string; value: number }>; ctx.write(rows.map((r) => ({ item: r.item, total: r.value }))); } }),
      summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 2, grand_total: 3 }]) }),
      site: defineUntypedProcessor('site', {
        async run(ctx) {
          for (const r of (await ctx.read('mart.totals')) as Array<{ item: string; total: number }>) {
            await ctx.putObject('objects/pages', `pages/${r.item}.json`, { item: r.item, total: r.total });
            await ctx.putDocument('documents/cards', `cards/${r.item}`, { total: r.total });
          }
        },
      }),
    }, { spec: SPEC });
    const puts: string[] = [];
    const put = h.backends.objects.put.bind(h.backends.objects);
    h.backends.objects.put = async (b, p, body, o) => {
      puts.push(p);
      return put(b, p, body, o);
    };
    const dput = h.backends.documents.put.bind(h.backends.documents);
    h.backends.documents.put = async (p, d) => {
      puts.push(p);
      return dput(p, d);
    };
    try {
      await runCascade(h, { dates: ['2025-08-01'] });
      assert.deepEqual(puts.sort(), ['cards/a', 'cards/b', 'pages/a.json', 'pages/b.json']);
      puts.length = 0;
      source.a = 5; // only a's total changes; site reruns over both items
      await runCascade(h, { dates: ['2025-08-01'] });
      assert.deepEqual(puts.sort(), ['cards/a', 'pages/a.json'], "b's unchanged page and card are not rewritten");
      const o = await h.backends.objects.get('tiny-api', 'pages/b.json');
      assert.deepEqual(JSON.parse(o!.body.toString()), { item: 'b', total: 2 });
      assert.equal(h.logged('run:succeeded', 'site').length, 2);
    } finally {
      await h.cleanup();
    }
  });
});
