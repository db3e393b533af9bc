import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDuckDb, type DuckDb } from '../../engine/backends/local/duckdb.js';
import { DuckDbWarehouse } from '../../engine/backends/local/warehouse.js';
import { col, playerStats, table, teamStats, tempDir, tinyPlan } from './fixtures.js';

const D1 = '2025-11-14';
const D2 = '2025-11-15';

function player(name: string, team: string, points: number, extra: Record<string, unknown> = {}) {
  return { player: name, team, points, ...extra };
}

describe('DuckDB warehouse', () => {
  const tmp = tempDir('warehouse');
  let db: DuckDb;
  let wh: DuckDbWarehouse;
  before(async () => {
    db = await openDuckDb(join(tmp.dir, 'wh.duckdb'));
    wh = new DuckDbWarehouse(db);
    await wh.ensureTables(tinyPlan());
  });
  after(async () => {
    await wh.close();
    await db.close();
    tmp.cleanup();
  });

  it('creates a schema per dataset and a table per plan table, with the partition column in the key', async () => {
    await wh.ensureTables(tinyPlan()); // idempotent
    const cols = await db.all(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position`,
    );
    assert.deepEqual(
      cols.filter((c) => c.table_name === 'team_stats').map((c) => [c.column_name, c.data_type]),
      [
        ['game_date', 'DATE'],
        ['team', 'VARCHAR'],
        ['wins', 'BIGINT'],
      ],
    );
    assert.deepEqual(
      cols.filter((c) => c.table_name === 'player_stats').map((c) => c.data_type),
      ['DATE', 'VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE', 'DECIMAL(38,9)', 'BOOLEAN', 'TIMESTAMP', 'JSON'],
    );
    const pk = await db.all(
      `SELECT constraint_column_names AS cols FROM duckdb_constraints() WHERE table_name = 'player_stats' AND constraint_type = 'PRIMARY KEY'`,
    );
    assert.deepEqual(pk[0]?.cols, ['game_date', 'player']);
  });

  it('upserts idempotently: the same rows twice leave no duplicates and count nothing changed', async () => {
    const rows = [player('ann', 'BOS', 10), player('bob', 'BOS', 20), player('cat', 'NYK', 30)];
    const first = await wh.write(playerStats, { partition: D1, rows, mode: 'upsert' });
    assert.deepEqual(first, { inserted: 3, updated: 0, deleted: 0, rows: 3 });
    const again = await wh.write(playerStats, { partition: D1, rows, mode: 'upsert' });
    assert.deepEqual(again, { inserted: 0, updated: 0, deleted: 0, rows: 3 });
    const changed = await wh.write(playerStats, { partition: D1, rows: [player('bob', 'BOS', 25), player('dan', 'NYK', 5)], mode: 'upsert' });
    assert.deepEqual(changed, { inserted: 1, updated: 1, deleted: 0, rows: 4 });
    const read = await wh.read(playerStats, { partitions: [D1] });
    assert.deepEqual(read.map((r) => [r.player, r.points]), [['ann', 10], ['bob', 25], ['cat', 30], ['dan', 5]]);
  });

  it('round-trips every column type as plain values', async () => {
    await wh.write(playerStats, {
      partition: D2,
      mode: 'upsert',
      rows: [
        {
          game_date: D2,
          player: 'eve',
          team: 'LAL',
          points: 31,
          rating: 9.5,
          salary: '1234567.123456789',
          starter: true,
          updated_at: '2025-11-15T20:00:00.250Z',
          extra: { tags: ['a', 'b'], n: 1 },
        },
      ],
    });
    const [row] = await wh.read(playerStats, { partitions: [D2], entities: { column: 'player', ids: ['eve'] } });
    assert.deepEqual(row, {
      game_date: D2,
      player: 'eve',
      team: 'LAL',
      points: 31,
      rating: 9.5,
      salary: 1234567.123456789,
      starter: true,
      updated_at: '2025-11-15T20:00:00.250Z',
      extra: { tags: ['a', 'b'], n: 1 },
    });
  });

  it('collapses rows with the same key inside one write (last wins)', async () => {
    const res = await wh.write(teamStats, {
      partition: D1,
      mode: 'replace',
      rows: [{ team: 'BOS', wins: 1 }, { team: 'NYK', wins: 2 }, { team: 'BOS', wins: 3 }],
    });
    assert.deepEqual(res, { inserted: 2, updated: 0, deleted: 0, rows: 2 });
    assert.deepEqual(await wh.read(teamStats, { partitions: [D1] }), [
      { game_date: D1, team: 'BOS', wins: 3 },
      { game_date: D1, team: 'NYK', wins: 2 },
    ]);
  });

  it('replace deletes the keys the write lacks, in that partition only', async () => {
    await wh.write(teamStats, { partition: D2, mode: 'replace', rows: [{ team: 'BOS', wins: 9 }, { team: 'LAL', wins: 8 }] });
    const res = await wh.write(teamStats, { partition: D1, mode: 'replace', rows: [{ team: 'BOS', wins: 3 }, { team: 'MIA', wins: 4 }] });
    assert.deepEqual(res, { inserted: 1, updated: 0, deleted: 1, rows: 2 });
    assert.deepEqual((await wh.read(teamStats, { partitions: [D1] })).map((r) => r.team), ['BOS', 'MIA']);
    assert.deepEqual((await wh.stats(teamStats, D2)).rows, 2);
  });

  it('scoped replace only touches the entities in scope', async () => {
    const t = table('analytics.scoped', [col('game_date', 'date', false), col('team', 'string', false), col('player', 'string', false), col('pts', 'int64')], ['team', 'player']);
    await wh.ensureTables(tinyPlan([t]));
    await wh.write(t, {
      partition: D1,
      mode: 'replace',
      rows: [
        { team: 'BOS', player: 'a', pts: 1 },
        { team: 'BOS', player: 'b', pts: 2 },
        { team: 'NYK', player: 'c', pts: 3 },
        { team: 'NYK', player: 'd', pts: 4 },
      ],
    });
    // Re-run for team BOS only: b is gone from BOS, NYK rows must survive untouched.
    const res = await wh.write(t, { partition: D1, mode: 'replace', scope: { column: 'team', ids: ['BOS'] }, rows: [{ team: 'BOS', player: 'a', pts: 10 }] });
    assert.deepEqual(res, { inserted: 0, updated: 1, deleted: 1, rows: 3 });
    assert.deepEqual((await wh.read(t, { partitions: [D1] })).map((r) => `${r.team}/${r.player}/${r.pts}`), ['BOS/a/10', 'NYK/c/3', 'NYK/d/4']);
  });

  it('reads a window of partitions, filtered by entity, ordered by key', async () => {
    await wh.write(playerStats, { partition: D2, mode: 'upsert', rows: [player('ann', 'BOS', 12), player('zed', 'BOS', 1)] });
    const rows = await wh.read(playerStats, { partitions: [D1, D2], entities: { column: 'player', ids: ['ann', 'zed', 'nobody'] } });
    assert.deepEqual(rows.map((r) => `${r.game_date}/${r.player}`), [`${D1}/ann`, `${D2}/ann`, `${D2}/zed`]);
    assert.deepEqual(await wh.read(playerStats, { partitions: [] }), []);
    assert.deepEqual(await wh.read(playerStats, { partitions: ['2020-01-01'] }), []);
  });

  it('rejects a row whose partition column disagrees, naming the row', async () => {
    await assert.rejects(
      wh.write(playerStats, { partition: D1, mode: 'upsert', rows: [player('a', 'X', 1), { ...player('b', 'X', 2), game_date: D2 }] }),
      /row 1: game_date is "2025-11-15" but the write is for partition 2025-11-14/,
    );
  });

  it('rejects bad values and unknown columns with the row index and column', async () => {
    await assert.rejects(wh.write(playerStats, { partition: D1, mode: 'upsert', rows: [player('a', 'X', 1.5)] }), /row 0: column "points" value 1.5 is not an integer/);
    await assert.rejects(wh.write(playerStats, { partition: D1, mode: 'upsert', rows: [{ player: 'a', nope: 1 }] }), /row 0: column "nope" is not declared/);
    await assert.rejects(wh.write(playerStats, { partition: D1, mode: 'upsert', rows: [{ team: 'X' }] }), /row 0: column "player" is null but the column is part of the key/);
  });

  it('evolves a table by adding the columns it lacks', async () => {
    const v1 = table('evolve.t', [col('id', 'string', false), col('a', 'int64')], ['id']);
    await wh.ensureTables(tinyPlan([v1]));
    await wh.write(v1, { partition: D1, mode: 'upsert', rows: [{ id: 'x', a: 1 }] });
    const v2 = table('evolve.t', [...v1.columns, col('b', 'string')], ['id']);
    await wh.ensureTables(tinyPlan([v2]));
    await wh.write(v2, { partition: D1, mode: 'upsert', rows: [{ id: 'y', a: 2, b: 'new' }] });
    assert.deepEqual(await wh.read(v2, { partitions: [D1] }), [
      { game_date: D1, id: 'x', a: 1, b: null },
      { game_date: D1, id: 'y', a: 2, b: 'new' },
    ]);
  });

  it('stats counts a partition', async () => {
    assert.deepEqual(await wh.stats(teamStats, D1), { rows: 2 });
    assert.deepEqual(await wh.stats(teamStats, '2020-01-01'), { rows: 0 });
  });

  it('serializes concurrent writes to one table', async () => {
    const writes = Array.from({ length: 8 }, (_, i) =>
      wh.write(teamStats, { partition: '2025-12-01', mode: 'upsert', rows: [{ team: `T${i}`, wins: i }, { team: 'ALL', wins: i }] }),
    );
    await Promise.all(writes);
    assert.equal((await wh.stats(teamStats, '2025-12-01')).rows, 9);
  });

  it('writes 10k rows in one set-based upsert', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      player: `p${i}`,
      team: `T${i % 30}`,
      points: i % 50,
      rating: i / 7,
      salary: i * 1000.5,
      starter: i % 2 === 0,
      updated_at: 1_763_200_000_000 + i,
      extra: { i },
    }));
    const before = db.counters.statements;
    let t0 = performance.now();
    const first = await wh.write(playerStats, { partition: '2025-12-02', rows, mode: 'replace' });
    const insertMs = performance.now() - t0;
    const statements = db.counters.statements - before;
    t0 = performance.now();
    const second = await wh.write(playerStats, { partition: '2025-12-02', rows: rows.map((r, i) => (i % 10 ? r : { ...r, points: 99 })), mode: 'replace' });
    const updateMs = performance.now() - t0;
    assert.deepEqual(first, { inserted: 10_000, updated: 0, deleted: 0, rows: 10_000 });
    assert.deepEqual(second, { inserted: 0, updated: 1000, deleted: 0, rows: 10_000 });
    assert.ok(statements < 12, `a write should be a handful of statements, was ${statements}`);
    console.log(`# 10k rows: first write ${insertMs.toFixed(0)} ms, rewrite with 1k changed ${updateMs.toFixed(0)} ms, ${statements} statements`);
  });

  it('counts queries and writes for benchmarks', async () => {
    const before = wh.counters();
    await wh.read(teamStats, { partitions: [D1] });
    await wh.stats(teamStats, D1);
    await wh.write(teamStats, { partition: D1, mode: 'upsert', rows: [] });
    const after = wh.counters();
    assert.equal(after.queries - before.queries, 2);
    assert.equal(after.writes - before.writes, 1);
  });
});
