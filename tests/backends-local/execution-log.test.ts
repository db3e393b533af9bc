import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogEntry } from '../../engine/ports.js';
import { openDuckDb, type DuckDb } from '../../engine/backends/local/duckdb.js';
import { DuckDbWarehouse } from '../../engine/backends/local/warehouse.js';
import { tempDir } from './fixtures.js';

describe('execution log (DuckDB)', () => {
  const tmp = tempDir('log');
  let db: DuckDb;
  let wh: DuckDbWarehouse;
  before(async () => {
    db = await openDuckDb(join(tmp.dir, 'log.duckdb'));
    wh = new DuckDbWarehouse(db);
  });
  after(async () => {
    await wh.close();
    await db.close();
    tmp.cleanup();
  });

  const full: LogEntry = {
    ts: 1_763_200_000_123,
    event: 'run:succeeded',
    executionId: 'e1',
    correlationId: 'c1',
    parents: ['e0'],
    phase: 'analytics',
    processor: 'player_summary',
    gate: 'g',
    partition: '2025-11-15',
    scope: 'player:ann',
    fingerprint: 'f',
    inputs: [{ asset: 'raw.box', versions: { '2025-11-15': 3 } }],
    rowsWritten: 120,
    changedEntities: { player: ['ann'] },
    durationMs: 12.5,
    errorType: 'None',
    errorMessage: 'none',
    reasons: ['inputs changed'],
    backfill: true,
    backfillReason: 'fix',
    stopAfter: 'analytics',
    specHash: 'abc',
    attempt: 2,
    detail: { any: 'thing' },
  };

  it('appends one call as one batch and reads every field back', async () => {
    const before = wh.counters();
    await wh.appendLog([
      full,
      { ts: 1_763_200_000_000, event: 'run:started', executionId: 'e1', processor: 'player_summary', partition: '2025-11-15' },
      { ts: 1_763_200_000_123, event: 'gate:fired', gate: 'g', partition: '2025-11-15' },
    ]);
    const after = wh.counters();
    assert.equal(after.logBatches - before.logBatches, 1);
    assert.equal(after.logRows - before.logRows, 3);

    const entries = await wh.queryLog({ partition: '2025-11-15' });
    // ts first, then insertion order for equal ts.
    assert.deepEqual(entries.map((e) => e.event), ['run:started', 'run:succeeded', 'gate:fired']);
    assert.deepEqual(entries[1], full);
  });

  it('filters by processor, execution, correlation, event, since, and limits', async () => {
    await wh.appendLog([
      { ts: 1_763_300_000_000, event: 'run:started', executionId: 'e2', correlationId: 'c2', processor: 'team_summary', partition: '2025-11-16' },
      { ts: 1_763_300_000_500, event: 'run:failed', executionId: 'e2', correlationId: 'c2', processor: 'team_summary', partition: '2025-11-16' },
    ]);
    assert.equal((await wh.queryLog({ processor: 'team_summary' })).length, 2);
    assert.deepEqual((await wh.queryLog({ executionId: 'e2', event: 'run:failed' })).map((e) => e.ts), [1_763_300_000_500]);
    assert.equal((await wh.queryLog({ correlationId: 'c1' })).length, 1);
    assert.deepEqual((await wh.queryLog({ since: 1_763_300_000_000 })).map((e) => e.event), ['run:started', 'run:failed']);
    assert.deepEqual((await wh.queryLog({ limit: 2 })).map((e) => e.event), ['run:started', 'run:succeeded']);
  });

  it('costs the same few statements for 1 entry or 500 (one appender batch, not one insert each)', async () => {
    const statementsFor = async (n: number) => {
      const before = db.counters.statements;
      await wh.appendLog(Array.from({ length: n }, (_, i) => ({ ts: 1_763_400_000_000 + i, event: 'skip:duplicate', processor: `bulk${n}` })));
      return db.counters.statements - before;
    };
    const one = await statementsFor(1);
    const many = await statementsFor(500);
    assert.equal(many, one);
    assert.ok(one <= 3, `BEGIN, max(seq), COMMIT — got ${one}`);
    assert.equal((await wh.queryLog({ processor: 'bulk500' })).length, 500);
  });

  it('ignores an empty batch', async () => {
    const before = wh.counters();
    await wh.appendLog([]);
    assert.equal(wh.counters().logBatches, before.logBatches);
  });
});
