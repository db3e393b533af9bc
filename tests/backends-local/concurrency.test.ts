import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLocalBackends } from '../../engine/backends/local/index.js';
import { col, table, tempDir, tinyPlan } from './fixtures.js';

describe('local backends under concurrent use', () => {
  const tmp = tempDir('concurrency');
  after(tmp.cleanup);

  it('writes to several tables, state transactions and log appends interleave without errors', async () => {
    const b = await openLocalBackends({ dir: tmp.dir });
    try {
      const tables = Array.from({ length: 4 }, (_, i) => table(`ds${i % 2}.t${i}`, [col('id', 'string', false), col('v', 'int64')], ['id']));
      await b.warehouse.ensureTables(tinyPlan(tables));
      await b.state.transaction(async (tx) => tx.set('versions', 'n', { n: 0 }));
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 5; round++) {
        for (const t of tables) {
          const rows = Array.from({ length: 500 }, (_, i) => ({ id: `r${i}`, v: round }));
          work.push(b.warehouse.write(t, { partition: '2025-11-15', rows, mode: 'replace' }));
        }
        work.push(
          b.state.transaction(async (tx) => {
            const d = await tx.get<{ n: number }>('versions', 'n');
            tx.set('versions', 'n', { n: d!.n + 1 });
          }),
        );
        work.push(b.warehouse.appendLog([{ ts: Date.now(), event: 'run:started', processor: `p${round}` }]));
      }
      await Promise.all(work);
      for (const t of tables) {
        const rows = await b.warehouse.read(t, { partitions: ['2025-11-15'] });
        assert.equal(rows.length, 500);
        assert.ok(rows.every((r) => r.v === 4));
      }
      assert.deepEqual(await b.state.get('versions', 'n'), { n: 5 });
      assert.equal((await b.warehouse.queryLog({ event: 'run:started' })).length, 5);
    } finally {
      await b.close();
    }
  });
});
