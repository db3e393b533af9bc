// The randomized fault harness in the suite: a few hundred seeded schedules on the memory backend and
// some on the local DuckDB backend, each with 0 violations of any invariant; every seed that once
// failed stays here as a regression; and a seed replays exactly. More seeds: `npm run chaos -- --count 5000`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed, type BackendKind, type PipelineName } from './run-seed.js';

const MEMORY_SEEDS = 300;
const DUCKDB_SEEDS = 30;

/** Seeds that found a bug while the harness was built (what each found, fixed since). */
const REGRESSIONS: Record<number, string> = {
  8: 'a retry lost when a concurrent duplicate delivery was acknowledged (the reconciler now re-requests orphaned tickets)',
  15: 'a trigger covered by a decision made through another delivery (the oracle now accepts merged tickets)',
  16: 'world updates applied out of the story\'s order (harness)',
  65: 'a terminal failure of a duplicate copy never dead-lettered (harness: every delivery answers on its own)',
  159: 'a terminal failure whose dead-lettering was lost: nothing to replay (a redelivery of the failed delivery is now dead-lettered again)',
  205: 'the same, through a crash after the failure was recorded',
  243: 'a lost retry found only by a later reconcile pass (the drain now reconciles while work is open)',
};

async function seeds(backend: BackendKind, list: number[], pipeline: PipelineName = 'small'): Promise<string[]> {
  const bad: string[] = [];
  for (const seed of list) {
    const r = await runSeed({ seed, backend, pipeline });
    if (r.violations.length) bad.push(`seed ${seed} (${backend}; replay: npm run chaos -- --pipeline ${pipeline} --seed ${seed} --backend ${backend} --trace):\n    ${r.violations.slice(0, 6).join('\n    ')}`);
  }
  return bad;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('the fault harness', () => {
  it(`${MEMORY_SEEDS} seeded schedules on the memory backend: 0 violations`, async () => {
    const bad = await seeds('memory', range(MEMORY_SEEDS));
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  it(`${DUCKDB_SEEDS} seeded schedules on the local DuckDB backend: 0 violations`, async () => {
    const bad = await seeds('duckdb', range(DUCKDB_SEEDS).map((n) => n + 5000));
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  for (const [seed, found] of Object.entries(REGRESSIONS)) {
    it(`seed ${seed} on both backends (${found})`, async () => {
      const bad = [...(await seeds('memory', [Number(seed)])), ...(await seeds('duckdb', [Number(seed)]))];
      assert.deepEqual(bad, [], bad.join('\n'));
    });
  }

  // Found by a 3,000-seed run on 2026-12-07 (seeds 40000–42999 on memory, 1 failing), and failing on the
  // previous stop's main as well, so older than that stop's changes. By the trace and the final state:
  // the stage request of f1 for 2025-06-02 is delivered to two runners at once; r3's copy is skipped
  // (f1 already running there as id-43) and acknowledged; r2's run fails for good (write then throw),
  // records the failure (pending mark `failed`), and r2 dies right after that commit, before it
  // dead-letters its delivery. The message is gone (the other copy was acknowledged), no dead letter
  // exists, and the reconciler's orphan pass skips failed marks — so nothing can ever replay f1, and
  // stage `build` stays halted at level 1. The fix belongs in the mechanism: the dead letter written
  // with the failure, in its transaction (through the outbox), or the reconciler dead-lettering a
  // failed mark that has none. Not fixed yet, so skipped with the reason (Node 20's runner counts a
  // failing todo in a test file's process as a failure of the run). Replay: npm run chaos -- --seed 42419 --backend memory --trace
  it('seed 42419 on memory (open bug: a terminal failure\'s dead letter lost when its runner dies after recording it while a concurrent copy was acknowledged)', { skip: 'open bug, not fixed yet (RELIABILITY.md): un-skip with the fix' }, async () => {
    const bad = await seeds('memory', [42419]);
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  // The NBA reference pipeline's real modules over the sample source: slower (about 12 s a seed on
  // memory), so CI runs a few; `npm run chaos -- --pipeline nba --count N` runs more.
  it('NBA pipeline: 2 seeded schedules on memory and 1 on DuckDB, 0 violations', async () => {
    const bad = [...(await seeds('memory', [1, 2], 'nba')), ...(await seeds('duckdb', [3], 'nba'))];
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  // Seeds 14, 16 and 17 flip a player to Out. They once differed from their fault-free run even with no
  // faults: the story's flip rewrote props snapshots the source had already served (upsert tables keep
  // every snapshot seen) and re-scraped only the injury report although the game itself changed. The
  // story now flips after the last snapshot and re-scrapes every feed; under faults they must hold.
  it('NBA seeds 14, 16, 17 (a player flipped to Out) under faults, 0 violations', async () => {
    const bad = await seeds('memory', [14, 16, 17], 'nba');
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  it('replays a seed exactly on the memory backend', async () => {
    const a = await runSeed({ seed: 42, backend: 'memory', trace: true });
    const b = await runSeed({ seed: 42, backend: 'memory', trace: true });
    assert.ok(a.trace.length > 20, 'the schedule did something');
    assert.deepEqual(b.trace, a.trace);
    assert.deepEqual([b.runs, b.faults], [a.runs, a.faults]);
  });

  it('injects every kind of fault across the CI seeds', async () => {
    const faults: Record<string, number> = {};
    for (const seed of range(60)) for (const [k, n] of Object.entries((await runSeed({ seed, backend: 'memory' })).faults)) faults[k] = (faults[k] ?? 0) + n;
    for (const kind of ['update', 'late update', 'duplicate', 'concurrent duplicate', 'hold', 'hold until quiet', 'reconcile', 'write then throw (retryable)', 'write then throw (terminal)',
      'crash before-commit', 'crash after-commit', 'crash after-write', 'crash before-publish', 'crash after-publish', 'arm known death', 'arm silent death'])
      assert.ok((faults[kind] ?? 0) > 0, `no "${kind}" in 60 seeds: ${JSON.stringify(faults)}`);
  });
});
