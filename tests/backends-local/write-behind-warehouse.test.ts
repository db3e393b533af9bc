// The write-behind warehouse against the DuckDB one it stands for: a seeded random sequence of
// upserts, replaces (with and without scope), reads (with entity filters, several partitions) and
// stats gets the same answers from both — during, with flushes at random points and a tiny memory
// bound that forces evictions, and after a reopen of the file (what was persisted reads the same).
// Also: data and the state that names it are persisted in one flush; tables whose values cannot
// round-trip through memory are written through.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDuckDb } from '../../engine/backends/local/duckdb.js';
import { DuckDbStateStore } from '../../engine/backends/local/state-store.js';
import { DuckDbWarehouse } from '../../engine/backends/local/warehouse.js';
import { WriteBehindStateStore } from '../../engine/backends/local/write-behind-state.js';
import { WriteBehindWarehouse } from '../../engine/backends/local/write-behind-warehouse.js';
import type { ReadQuery, Row, WriteRequest } from '../../engine/ports.js';
import { col, playerStats, table, tempDir, tinyPlan } from './fixtures.js';

const events = table(
  'analytics.events',
  [
    col('game_date', 'date', false), col('player', 'string', false), col('seq', 'int64', false), col('team', 'string'), col('points', 'int64'),
    col('rating', 'float64'), col('starter', 'bool'), col('updated_at', 'timestamp'), col('extra', 'json'), col('day', 'date'),
  ],
  ['player', 'seq'],
  { entities: { player: 'player', team: 'team' }, mode: 'upsert' },
);
const plan = tinyPlan([events, playerStats]);

const PLAYERS = ['ann', 'Bob', 'zoë', 'émile', '😀x', '\uffefy', 'a b', 'Z'];
const TEAMS = ['BOS', 'NYK', 'LAL'];
const DAYS = ['2025-11-13', '2025-11-14', '2025-11-15'];

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { next, int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

function randomRow(r: ReturnType<typeof rng>): Row {
  return {
    player: r.pick(PLAYERS), seq: r.int(0, 2), team: r.next() < 0.1 ? null : r.pick(TEAMS), points: r.next() < 0.1 ? null : r.int(-5, 40),
    rating: r.pick([0.1 + 0.2, -0, 1e-9, 12.5, 1 / 3]), starter: r.next() < 0.5, updated_at: r.pick(['2025-11-15T19:00:00Z', '2025-11-15 20:30:00.123', 1763236800456, null]),
    extra: r.pick([{ a: [1, 2, { b: 'ü' }] }, [], 'text', 3, null]), day: r.pick(['2025-01-01', null]),
  };
}

async function openBehind(file: string, maxCachedRows?: number, flushMs = 5) {
  const db = await openDuckDb(file);
  const state = await WriteBehindStateStore.open(new DuckDbStateStore(db), { flushMs });
  const disk = new DuckDbWarehouse(db);
  const wh = new WriteBehindWarehouse(disk, state, { maxCachedRows });
  state.join(wh);
  await wh.ensureTables(plan);
  return { db, state, wh, async close() { await state.close(); await wh.close(); await db.close(); } };
}

describe('the write-behind warehouse', () => {
  const tmp = tempDir('write-behind');
  after(() => tmp.cleanup());

  for (const seed of [1, 2, 3]) {
    it(`answers as the DuckDB warehouse does over 300 random operations (seed ${seed}), and persists the same`, async () => {
      const r = rng(seed);
      const refDb = await openDuckDb(join(tmp.dir, `ref-${seed}.duckdb`));
      const ref = new DuckDbWarehouse(refDb);
      await ref.ensureTables(plan);
      const file = join(tmp.dir, `behind-${seed}.duckdb`);
      const s = await openBehind(file, seed === 3 ? 12 : undefined);
      try {
        for (let i = 0; i < 300; i++) {
          const roll = r.next();
          if (roll < 0.45) {
            const scoped = r.next() < 0.3;
            const req: WriteRequest = {
              partition: r.pick(DAYS), rows: Array.from({ length: r.int(0, 6) }, () => randomRow(r)), mode: r.next() < 0.5 ? 'upsert' : 'replace',
              ...(scoped ? { scope: { column: r.pick(['team', 'player']), ids: [r.pick([...TEAMS, ...PLAYERS]), r.pick([...TEAMS, ...PLAYERS])] } } : {}),
            };
            assert.deepEqual(await s.wh.write(events, req), await ref.write(events, req), `op ${i}: write ${JSON.stringify(req)}`);
          } else if (roll < 0.85) {
            const q: ReadQuery = { partitions: DAYS.filter(() => r.next() < 0.6) };
            if (r.next() < 0.4) q.entities = { column: r.pick(['team', 'player']), ids: [r.pick([...TEAMS, ...PLAYERS])] };
            assert.deepEqual(await s.wh.read(events, q), await ref.read(events, q), `op ${i}: read ${JSON.stringify(q)}`);
          } else if (roll < 0.95) {
            const d = r.pick(DAYS);
            assert.deepEqual(await s.wh.stats(events, d), await ref.stats(events, d), `op ${i}: stats ${d}`);
          } else {
            await s.state.flush();
          }
        }
        const all = await ref.read(events, { partitions: DAYS });
        assert.deepEqual(await s.wh.read(events, { partitions: DAYS }), all);
        await s.close();
        // What reached the file, read cold by the plain DuckDB warehouse.
        const cold = await DuckDbWarehouse.open(file, { partitionKey: 'game_date' });
        try {
          assert.deepEqual(await cold.read(events, { partitions: DAYS }), all);
        } finally {
          await cold.close();
        }
        if (seed === 3) assert.ok(s.wh.counts.evictions > 0, 'the tiny memory bound evicted partitions');
        assert.ok(s.wh.counts.partitionsFlushed > 0 && s.wh.counts.cachedWrites > 0);
      } finally {
        await s.close();
        await ref.close();
        await refDb.close();
      }
    });
  }

  it('persists rows and the state written after them in the same flush, and not before it', async () => {
    // No timed flush: only the explicit one below may persist.
    const s = await openBehind(join(tmp.dir, 'together.duckdb'), undefined, 60_000);
    try {
      const disk = new DuckDbWarehouse(s.db, { partitionKey: 'game_date' });
      const raw = new DuckDbStateStore(s.db);
      await s.wh.write(events, { partition: DAYS[0]!, rows: [{ player: 'ann', seq: 1, points: 3 }], mode: 'upsert' });
      await s.state.transaction(async (tx) => tx.set('versions', 'events', { rows: 1 }));
      assert.equal((await s.wh.read(events, { partitions: [DAYS[0]!] })).length, 1, 'the write is visible at once');
      assert.deepEqual([(await disk.read(events, { partitions: [DAYS[0]!] })).length, await raw.get('versions', 'events')], [0, undefined], 'nothing on disk yet');
      await s.state.flush();
      assert.deepEqual([(await disk.read(events, { partitions: [DAYS[0]!] })).length, await raw.get('versions', 'events')], [1, { rows: 1 }]);
    } finally {
      await s.close();
    }
  });

  it('appends to a table stored as the spec lays it out, and upserts through staging into one an older spec left', async () => {
    const s = await openBehind(join(tmp.dir, 'appendable.duckdb'), undefined, 60_000);
    try {
      const disk = new DuckDbWarehouse(s.db, { partitionKey: 'game_date' });
      const v1 = table('evolve.t', [col('id', 'string', false), col('a', 'int64')], ['id']);
      await s.wh.ensureTables(tinyPlan([v1]));
      await s.wh.write(v1, { partition: DAYS[0]!, rows: [{ id: 'x', a: 1 }], mode: 'upsert' });
      await s.state.flush();
      // The new column sits in the middle of the spec's list; DuckDB adds it at the end.
      const v2 = table('evolve.t', [col('id', 'string', false), col('b', 'string'), col('a', 'int64')], ['id']);
      await s.wh.ensureTables(tinyPlan([v2]));
      await s.wh.write(v2, { partition: DAYS[1]!, rows: [{ id: 'y', b: 'new', a: 2 }], mode: 'upsert' });
      await s.wh.write(v2, { partition: DAYS[0]!, rows: [{ id: 'z', b: 'also', a: 3 }], mode: 'upsert' });
      await s.state.flush();
      assert.deepEqual(await disk.read(v2, { partitions: [DAYS[0]!, DAYS[1]!] }), [
        { game_date: DAYS[0], id: 'x', b: null, a: 1 },
        { game_date: DAYS[0], id: 'z', b: 'also', a: 3 },
        { game_date: DAYS[1], id: 'y', b: 'new', a: 2 },
      ]);
    } finally {
      await s.close();
    }
  });

  it('writes through a table it cannot hold exactly in memory (a numeric column)', async () => {
    const s = await openBehind(join(tmp.dir, 'through.duckdb'));
    try {
      const disk = new DuckDbWarehouse(s.db, { partitionKey: 'game_date' });
      await s.wh.write(playerStats, { partition: DAYS[1]!, rows: [{ player: 'ann', salary: '12.3456789012' }], mode: 'upsert' });
      assert.equal(s.wh.counts.writesThrough, 1);
      assert.deepEqual((await disk.read(playerStats, { partitions: [DAYS[1]!] })).map((x) => x.salary), [12.345678901], 'committed before the write returned');
    } finally {
      await s.close();
    }
  });

  it('refuses a bad row before changing anything', async () => {
    const s = await openBehind(join(tmp.dir, 'bad.duckdb'));
    try {
      await s.wh.write(events, { partition: DAYS[0]!, rows: [{ player: 'ann', seq: 1, points: 3 }], mode: 'replace' });
      await assert.rejects(s.wh.write(events, { partition: DAYS[0]!, rows: [{ player: 'bob', seq: 1 }, { player: 'cat', seq: 'x' }], mode: 'replace' }), /not an integer/);
      assert.deepEqual((await s.wh.read(events, { partitions: [DAYS[0]!] })).map((x) => x.player), ['ann']);
    } finally {
      await s.close();
    }
  });
});
