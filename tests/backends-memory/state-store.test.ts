// The in-memory state store (dry runs, and the authority behind the local write-behind store) keeps
// the same transaction semantics as the DuckDB and Firestore stores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStateStore } from '../../engine/backends/memory/state-store.js';
import { getAllContract } from '../support/state-get-all.js';
import { filterDocs } from '../../engine/backends/filter.js';
import type { Filter } from '../../engine/ports.js';

describe('MemoryStateStore transactions', () => {
  getAllContract(() => new MemoryStateStore());

  it('see their own buffered writes in get and query, and commit all or nothing', async () => {
    const s = new MemoryStateStore({ versions: { 'a|2025-01-01': { asset: 'a', partition: '2025-01-01', version: 1 } } });
    await s.transaction(async (tx) => {
      tx.set('versions', 'a|2025-01-02', { asset: 'a', partition: '2025-01-02', version: 1 });
      tx.delete('versions', 'a|2025-01-01');
      assert.equal(await tx.get('versions', 'a|2025-01-01'), undefined);
      const hits = await tx.query<{ partition: string }>('versions', { eq: { asset: 'a' }, range: { field: 'partition', gte: '2025-01-01', lte: '2025-01-31' } });
      assert.deepEqual(hits.map((h) => h.partition), ['2025-01-02']);
      assert.deepEqual(await s.query('versions', { eq: { asset: 'a' } }), [{ asset: 'a', partition: '2025-01-01', version: 1 }], 'outside the transaction: not yet visible');
    });
    assert.deepEqual((await s.query<{ partition: string }>('versions', { eq: { asset: 'a' } })).map((h) => h.partition), ['2025-01-02']);
    await assert.rejects(s.transaction(async (tx) => {
      tx.set('versions', 'b|x', { asset: 'b' });
      throw new Error('boom');
    }), /boom/);
    assert.equal(await s.get('versions', 'b|x'), undefined, 'rolled back');
  });

  it('serializes concurrent read-modify-write transactions', async () => {
    const s = new MemoryStateStore();
    await s.transaction(async (tx) => tx.set('gate_fires', 'n', { count: 0 }));
    await Promise.all(Array.from({ length: 25 }, () => s.transaction(async (tx) => {
      const d = await tx.get<{ count: number }>('gate_fires', 'n');
      await new Promise((r) => setImmediate(r));
      tx.set('gate_fires', 'n', { count: d!.count + 1 });
    })));
    assert.deepEqual(await s.get('gate_fires', 'n'), { count: 25 });
  });
});

// Queries with an equality condition are answered from indexes kept up to date on every commit; this
// checks them against a plain scan of the same documents after random sets (values changing type,
// fields appearing and disappearing) and deletes, inside and outside transactions.
describe('MemoryStateStore equality indexes', () => {
  const values = ['a', 'b', 1, 2, '1', true, false, null, undefined, { nested: 'a' }];
  for (const seed of [1, 2, 3]) {
    it(`answer like a scan of every document (seed ${seed})`, async () => {
      let x = seed * 2654435761;
      const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31) % n);
      const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
      const docs = new Map<string, Record<string, unknown>>();
      const s = new MemoryStateStore({ pending: { seeded: { p: 'a', k: 1 } } });
      docs.set('seeded', { p: 'a', k: 1 });
      const filters = (): Filter[] => [
        { eq: { p: pick(['a', 'b', 1, '1', true]) as string } },
        { eq: { p: pick(['a', 'b']), k: pick([1, 2, '1']) as number } },
        { eq: { k: pick([1, 2]) }, range: { field: 'p', gte: 'a', lte: 'b' } },
        { eq: { p: pick(['a', 'b']) }, limit: 2 },
        {},
      ];
      const expected = (f: Filter) => filterDocs([...docs].map(([id, doc]) => ({ id, doc })), f).map((h) => h.doc);
      for (let step = 0; step < 400; step++) {
        const id = `d${rand(12)}`;
        const op = rand(10);
        if (op < 6) {
          const doc: Record<string, unknown> = {};
          for (const f of ['p', 'k']) { const v = pick(values); if (v !== undefined) doc[f] = v; }
          await s.transaction(async (tx) => {
            tx.set('pending', id, doc);
            // The transaction's own view: stored documents (indexed) overlaid with its write.
            const f = pick(filters());
            const before = new Map(docs);
            docs.set(id, doc);
            assert.deepEqual(await tx.query('pending', f), expected(f), `in a transaction, step ${step}, ${JSON.stringify(f)}`);
            docs.clear();
            for (const [k, v] of before) docs.set(k, v);
          });
          docs.set(id, doc);
        } else if (op < 8) {
          await s.transaction(async (tx) => tx.delete('pending', id));
          docs.delete(id);
        } else {
          await assert.rejects(s.transaction(async (tx) => { tx.set('pending', id, { p: 'zz' }); throw new Error('rolled back'); }));
        }
        for (const f of filters()) assert.deepEqual(await s.query('pending', f), expected(f), `step ${step}, ${JSON.stringify(f)}`);
      }
    });
  }
});

