import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDuckDb, type DuckDb } from '../../engine/backends/local/duckdb.js';
import { DuckDbStateStore } from '../../engine/backends/local/state-store.js';
import { tempDir } from './fixtures.js';
import { getAllContract } from '../support/state-get-all.js';

interface Version {
  asset: string;
  partition: string;
  version: number;
  final?: boolean;
}

describe('DuckDB state store', () => {
  const tmp = tempDir('state');
  let db: DuckDb;
  let state: DuckDbStateStore;
  before(async () => {
    db = await openDuckDb(join(tmp.dir, 'state.duckdb'));
    state = new DuckDbStateStore(db);
  });
  after(async () => {
    await state.close();
    await db.close();
    tmp.cleanup();
  });

  it('sets, gets, overwrites and deletes documents', async () => {
    assert.equal(await state.get('runs', 'r1'), undefined);
    await state.transaction(async (tx) => tx.set('runs', 'r1', { status: 'running', n: 1 }));
    assert.deepEqual(await state.get('runs', 'r1'), { status: 'running', n: 1 });
    await state.transaction(async (tx) => tx.set('runs', 'r1', { status: 'succeeded', n: 2 }));
    assert.deepEqual(await state.get('runs', 'r1'), { status: 'succeeded', n: 2 });
    // Same id in another collection is another document.
    assert.equal(await state.get('leases', 'r1'), undefined);
    await state.transaction(async (tx) => tx.delete('runs', 'r1'));
    assert.equal(await state.get('runs', 'r1'), undefined);
  });

  getAllContract(() => state);

  it('getMany keeps the order of ids and marks missing ones', async () => {
    await state.transaction(async (tx) => {
      tx.set('attempts', 'a', { attempts: 1 });
      tx.set('attempts', 'c', { attempts: 3 });
    });
    const docs = await state.transaction((tx) => tx.getMany<{ attempts: number }>('attempts', ['c', 'b', 'a']));
    assert.deepEqual(docs, [{ attempts: 3 }, undefined, { attempts: 1 }]);
  });

  it('queries with eq, inclusive range and limit', async () => {
    const partitions = ['2025-11-13', '2025-11-14', '2025-11-15', '2025-11-16'];
    await state.transaction(async (tx) => {
      partitions.forEach((p, i) => {
        tx.set<Version>('versions', `a.t|${p}`, { asset: 'a.t', partition: p, version: i + 1, final: i % 2 === 0 });
        tx.set<Version>('versions', `b.t|${p}`, { asset: 'b.t', partition: p, version: 10 });
      });
      tx.set('versions', 'odd', { asset: 5, partition: '2025-11-14', version: '7' });
    });
    const inRange = await state.query<Version>('versions', {
      eq: { asset: 'a.t' },
      range: { field: 'partition', gte: '2025-11-14', lte: '2025-11-15' },
    });
    assert.deepEqual(inRange.map((v) => v.partition), ['2025-11-14', '2025-11-15']);

    const limited = await state.query<Version>('versions', { eq: { asset: 'a.t' }, range: { field: 'partition', gte: '2025-11-14' }, limit: 2 });
    assert.deepEqual(limited.map((v) => v.partition), ['2025-11-14', '2025-11-15']);

    // Numbers compare numerically, booleans by value, and types must match (5 is not '5').
    const numeric = await state.query<Version>('versions', { range: { field: 'version', gte: 2, lte: 3 } });
    assert.deepEqual(numeric.map((v) => v.version), [2, 3]);
    assert.deepEqual((await state.query<Version>('versions', { eq: { asset: 'a.t', final: true } })).map((v) => v.version), [1, 3]);
    assert.deepEqual((await state.query('versions', { eq: { version: 7 } })).length, 0);
    assert.deepEqual((await state.query('versions', { eq: { version: '7' } })).length, 1);
    assert.equal((await state.query('versions', { eq: { asset: 'a.t', version: 4 } })).length, 1);
  });

  it('rejects filter fields that are not plain top-level names', async () => {
    await assert.rejects(state.query('versions', { eq: { "x') OR 1=1 --": 'y' } }), /top-level field name/);
  });

  it('buffers writes: invisible outside before commit, visible inside (get and query)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inside: unknown;
    let insideQuery: unknown[] = [];
    const tx = state.transaction(async (t) => {
      t.set('leases', 'p|d', { processor: 'p', partition: 'd', token: 'x' });
      t.delete('leases', 'gone');
      inside = await t.get('leases', 'p|d');
      insideQuery = await t.query('leases', { eq: { processor: 'p' } });
      await gate;
    });
    // Let the transaction reach the gate, then look from outside.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await state.get('leases', 'p|d'), undefined);
    assert.deepEqual(await state.query('leases', { eq: { processor: 'p' } }), []);
    release();
    await tx;
    assert.deepEqual(inside, { processor: 'p', partition: 'd', token: 'x' });
    assert.equal(insideQuery.length, 1);
    assert.deepEqual(await state.get('leases', 'p|d'), { processor: 'p', partition: 'd', token: 'x' });
  });

  it('query inside a transaction merges buffered sets and deletes with stored documents', async () => {
    await state.transaction(async (tx) => {
      for (const id of ['k1', 'k2', 'k3']) tx.set('checks', id, { table: 't', id });
    });
    const ids = await state.transaction(async (tx) => {
      tx.delete('checks', 'k1');
      tx.set('checks', 'k0', { table: 't', id: 'k0' });
      tx.set('checks', 'k2', { table: 'other', id: 'k2' });
      return (await tx.query<{ id: string }>('checks', { eq: { table: 't' }, limit: 2 })).map((d) => d.id);
    });
    assert.deepEqual(ids, ['k0', 'k3']);
  });

  // A few sets are applied as UPDATE-then-INSERT, more as chunked upserts (500 rows a statement):
  // each path must both overwrite existing documents and insert new ones, with a delete beside them.
  for (const [label, updates, inserts] of [['3 sets (2 updates, 1 insert)', 2, 1], ['4 sets (3 updates, 1 insert)', 3, 1], ['1250 sets across upsert chunks (1100 updates, 150 inserts)', 1100, 150]] as const) {
    it(`applies ${label} and a delete in one transaction`, async () => {
      const id = (i: number) => `${updates}-${i}`;
      const gone = updates; // seeded, then deleted
      await state.transaction(async (tx) => {
        for (let i = 0; i <= gone; i++) tx.set('entity_hashes', id(i), { round: 1, i });
      });
      await state.transaction(async (tx) => {
        for (let i = 0; i < updates; i++) tx.set('entity_hashes', id(i), { round: 2, i });
        for (let i = gone + 1; i <= gone + inserts; i++) tx.set('entity_hashes', id(i), { round: 2, i });
        tx.delete('entity_hashes', id(gone));
      });
      const all = Array.from({ length: gone + inserts + 1 }, (_, i) => i);
      const docs = await state.transaction((tx) => tx.getMany<{ round: number; i: number }>('entity_hashes', all.map(id)));
      assert.deepEqual(docs, all.map((i) => (i === gone ? undefined : { round: 2, i })));
    });
  }

  it('rolls back everything when the function throws', async () => {
    await assert.rejects(
      state.transaction(async (tx) => {
        tx.set('outbox', 'o1', { n: 1 });
        throw new Error('decided to fail');
      }),
      /decided to fail/,
    );
    assert.equal(await state.get('outbox', 'o1'), undefined);
  });

  it('refuses writes through a finished transaction', async () => {
    let leaked: Parameters<Parameters<DuckDbStateStore['transaction']>[0]>[0] | undefined;
    await state.transaction(async (tx) => void (leaked = tx));
    assert.throws(() => leaked!.set('runs', 'late', { x: 1 }), /already finished/);
  });

  it('20 concurrent read-modify-write increments of one document add up to 20', async () => {
    await state.transaction(async (tx) => tx.set('gate_fires', 'counter', { count: 0 }));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        state.transaction(async (tx) => {
          const doc = await tx.get<{ count: number }>('gate_fires', 'counter');
          await new Promise((r) => setImmediate(r));
          tx.set('gate_fires', 'counter', { count: doc!.count + 1 });
        }),
      ),
    );
    const ms = performance.now() - t0;
    assert.deepEqual(await state.get('gate_fires', 'counter'), { count: 20 });
    console.log(`# 20 concurrent increments: ${ms.toFixed(0)} ms`);
  });

  it('two state stores opened on the same file serialize with each other', async () => {
    const file = join(tmp.dir, 'two.duckdb');
    const a = await DuckDbStateStore.open(file);
    const b = await DuckDbStateStore.open(file);
    try {
      await a.transaction(async (tx) => tx.set('stage_epochs', 'e', { epoch: 0 }));
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).transaction(async (tx) => {
            const doc = await tx.get<{ epoch: number }>('stage_epochs', 'e');
            await new Promise((r) => setTimeout(r, 1));
            tx.set('stage_epochs', 'e', { epoch: doc!.epoch + 1 });
          }),
        ),
      );
      assert.deepEqual(await b.get('stage_epochs', 'e'), { epoch: 20 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('prevents write skew: a claim read as absent is made only once', async () => {
    // Both transactions read "no lease" and write a different document each: without serialization
    // both would succeed.
    const claims = await Promise.all(
      ['runner-1', 'runner-2'].map((runner) =>
        state.transaction(async (tx) => {
          const existing = await tx.query('leases', { eq: { processor: 'skew' } });
          if (existing.length > 0) return false;
          await new Promise((r) => setTimeout(r, 5));
          tx.set('leases', `skew|${runner}`, { processor: 'skew', runner });
          return true;
        }),
      ),
    );
    assert.deepEqual(claims.filter(Boolean).length, 1);
  });
});
