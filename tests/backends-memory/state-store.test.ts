// The in-memory state store (dry runs, and the authority behind the local write-behind store) keeps
// the same transaction semantics as the DuckDB and Firestore stores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStateStore } from '../../engine/backends/memory/state-store.js';
import { getAllContract } from '../support/state-get-all.js';

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
