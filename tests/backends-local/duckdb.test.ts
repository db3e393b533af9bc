import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb } from '../../engine/backends/local/duckdb.js';
import { tempDir } from './fixtures.js';

describe('duckdb handle', () => {
  const tmp = tempDir('duckdb');
  after(tmp.cleanup);

  it('creates the file and its parent folders on first use', async () => {
    const file = join(tmp.dir, 'a', 'b', 'local.duckdb');
    assert.equal(existsSync(file), false);
    const db = await openDuckDb(file);
    await db.run('CREATE TABLE t (x INTEGER)');
    await db.close();
    assert.equal(existsSync(file), true);
  });

  it('converts DuckDB values to plain JavaScript', async () => {
    const db = await openDuckDb(join(tmp.dir, 'values.duckdb'));
    try {
      const [row] = await db.all(
        `SELECT 42::BIGINT AS big, DATE '2025-11-15' AS d, TIMESTAMP '2025-11-15 10:20:30.456' AS ts,
                '{"a":[1,"x",null]}'::JSON AS j, 12.5::DECIMAL(38,9) AS dec, [1::BIGINT, 2] AS list, NULL AS n`,
      );
      assert.deepEqual(row, {
        big: 42,
        d: '2025-11-15',
        ts: '2025-11-15T10:20:30.456Z',
        j: { a: [1, 'x', null] },
        dec: 12.5,
        list: [1, 2],
        n: null,
      });
    } finally {
      await db.close();
    }
  });

  it('shares one instance between openers of the same file', async () => {
    const file = join(tmp.dir, 'shared.duckdb');
    const a = await openDuckDb(file);
    const b = await openDuckDb(file);
    await a.run('CREATE TABLE t (x INTEGER)');
    await a.run('INSERT INTO t VALUES (1)');
    assert.deepEqual(await b.all('SELECT x FROM t'), [{ x: 1 }]);
    await a.close();
    // b still works after a's reference is released
    assert.deepEqual(await b.all('SELECT count(*) AS n FROM t'), [{ n: 1 }]);
    await b.close();
  });

  it('retries a transaction that lost a write-write conflict', async () => {
    const db = await openDuckDb(join(tmp.dir, 'conflict.duckdb'));
    try {
      await db.run('CREATE TABLE c (id VARCHAR PRIMARY KEY, n BIGINT)');
      await db.run("INSERT INTO c VALUES ('x', 0)");
      // No lock: both transactions run at once and DuckDB makes one of them fail and retry.
      const bump = () =>
        db.transaction(async (conn) => {
          const n = Number(await conn.scalar("SELECT n FROM c WHERE id = 'x'"));
          await new Promise((r) => setTimeout(r, 5));
          await conn.run("UPDATE c SET n = ? WHERE id = 'x'", [n + 1]);
        });
      const before = db.counters.conflictRetries;
      await Promise.all([bump(), bump(), bump()]);
      assert.deepEqual(await db.all("SELECT n FROM c WHERE id = 'x'"), [{ n: 3 }]);
      assert.ok(db.counters.conflictRetries > before, 'expected at least one conflict retry');
    } finally {
      await db.close();
    }
  });

  it('rolls back when the transaction function throws', async () => {
    const db = await openDuckDb(join(tmp.dir, 'rollback.duckdb'));
    try {
      await db.run('CREATE TABLE r (x INTEGER)');
      await assert.rejects(
        db.transaction(async (conn) => {
          await conn.run('INSERT INTO r VALUES (1)');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await db.all('SELECT count(*) AS n FROM r'), [{ n: 0 }]);
    } finally {
      await db.close();
    }
  });

  it('refuses a nested transaction on the same lock instead of deadlocking', async () => {
    const db = await openDuckDb(join(tmp.dir, 'nested.duckdb'));
    try {
      await assert.rejects(
        db.transaction(() => db.transaction(async () => 1, { lock: 'state' }), { lock: 'state' }),
        /already held/,
      );
    } finally {
      await db.close();
    }
  });
});
