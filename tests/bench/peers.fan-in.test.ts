// The peer benchmark's fan-in correctness check, on the pipeline side only (no PostgreSQL or Redis):
// pipeline's 5 → 1 fan-in with every upstream submitted twice runs its downstream exactly once, after
// all five; and the check itself refuses a downstream that ran twice, ran early or ran without an upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Marks } from '../../bench/peers/marks.js';
import { PipelinePeer } from '../../bench/peers/pipeline.peer.js';
import { checkFanIn, fanIn, Partitions } from '../../bench/peers/workloads.js';

for (const write of [false, true]) {
  test(`pipeline (${write ? 'one-row write' : 'no write'}): every upstream submitted twice, the downstream runs once per group and only after all five`, async () => {
    const sys = await PipelinePeer.open({ write });
    try {
      const r = await fanIn(sys, new Partitions(), 3);
      assert.deepEqual(r.check.problems, []);
      assert.equal(r.check.gates.length, 3);
    } finally {
      await sys.close();
    }
  });
}

/** Marks as a system would leave them: upstream u returned at t, downstream started at each of `down`. */
function marksOf(group: string, upstreams: Record<string, number>, down: number[]): Marks {
  const m = new Marks();
  for (const [u, t] of Object.entries(upstreams)) m.steps.set(Marks.key(group, u), { starts: [t - 1], returns: [t] });
  m.steps.set(Marks.key(group, 'd'), { starts: down, returns: down.map((t) => t + 1) });
  return m;
}

const allFive = { u1: 10, u2: 20, u3: 30, u4: 40, u5: 50 };

test('the check accepts a downstream that starts once after the last upstream, and measures the gate from it', () => {
  const r = checkFanIn(marksOf('g', allFive, [55]), ['g']);
  assert.equal(r.ok, true);
  assert.deepEqual(r.gates, [5]);
});

test('the check refuses a downstream that ran twice', () => {
  const r = checkFanIn(marksOf('g', allFive, [55, 60]), ['g']);
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, /started 2 times, expected exactly once/);
});

test('the check refuses a downstream that started before its last upstream returned', () => {
  const r = checkFanIn(marksOf('g', allFive, [45]), ['g']);
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, /before its last upstream returned/);
});

test('the check refuses a group whose downstream ran without one of its upstreams, or never ran', () => {
  const { u5: _, ...four } = allFive;
  assert.match(checkFanIn(marksOf('g', four, [55]), ['g']).problems.join('; '), /upstream u5 never returned/);
  assert.match(checkFanIn(marksOf('g', allFive, []), ['g']).problems.join('; '), /started 0 times/);
});
