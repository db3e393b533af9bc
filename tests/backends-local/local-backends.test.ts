import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openLocalBackends } from '../../engine/backends/local/index.js';
import { playerStats, tempDir, tinyPlan } from './fixtures.js';

describe('openLocalBackends', () => {
  const tmp = tempDir('backends');
  after(tmp.cleanup);

  it('opens everything on one DuckDB file under the folder, and closes it', async () => {
    const dir = join(tmp.dir, '.pipeline');
    const b = await openLocalBackends({ dir, bus: { initialBackoffMs: 0 } });
    assert.equal(b.kind, 'local');
    assert.ok(existsSync(join(dir, 'local.duckdb')));
    await b.warehouse.ensureTables(tinyPlan());
    await b.warehouse.write(playerStats, { partition: '2025-11-15', mode: 'replace', rows: [{ player: 'ann', points: 1 }] });
    await b.state.transaction(async (tx) => tx.set('versions', 'v', { version: 1 }));
    await b.objects.put('raw', 'a.txt', 'a');
    await b.documents.put('docs/one', { a: 1 });
    await b.bus.deadLetter('t', { data: {}, attributes: {} }, 'r', 1);
    // One file holds the warehouse tables, the state and the dead letters.
    const tables = await b.db.all(`SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() ORDER BY 1`);
    assert.deepEqual(
      tables.map((r) => r.t),
      ['_pipeline.dead_letters', '_pipeline.state_docs', 'analytics.player_stats', 'analytics.team_stats'],
    );
    await b.close();
    await b.close(); // idempotent

    // Reopen: everything persisted.
    const again = await openLocalBackends({ dir });
    try {
      assert.deepEqual(await again.state.get('versions', 'v'), { version: 1 });
      assert.equal((await again.objects.get('raw', 'a.txt'))?.body.toString(), 'a');
      assert.deepEqual(await again.documents.get('docs/one'), { a: 1 });
      assert.equal((await again.bus.listDeadLetters()).length, 1);
      await again.warehouse.ensureTables(tinyPlan());
      assert.equal((await again.warehouse.stats(playerStats, '2025-11-15')).rows, 1);
    } finally {
      await again.close();
    }
  });

  it('takes an explicit file', async () => {
    const file = join(tmp.dir, 'elsewhere', 'x.duckdb');
    const b = await openLocalBackends({ dir: join(tmp.dir, 'd2'), file });
    await b.state.get('runs', 'none');
    await b.close();
    assert.ok(existsSync(file));
  });

  it('a handler may open a state transaction for a message published inside one', async () => {
    const b = await openLocalBackends({ dir: join(tmp.dir, 'd3'), bus: { initialBackoffMs: 0 } });
    try {
      const handled: number[] = [];
      b.bus.subscribe('events', async (d) => {
        await b.state.transaction(async (tx) => tx.set('outbox', String(d.data.n), { done: true }));
        handled.push(d.deliveryAttempt!);
        return { outcome: 'ack' };
      });
      await b.state.transaction(async (tx) => {
        tx.set('runs', 'r', { ok: true });
        await b.bus.publish('events', { data: { n: 1 }, attributes: {} });
      });
      await b.bus.idle();
      // First delivery succeeds: the handler does not inherit the publisher's transaction context.
      assert.deepEqual(handled, [1]);
      assert.deepEqual(await b.state.get('outbox', '1'), { done: true });
    } finally {
      await b.close();
    }
  });
});
