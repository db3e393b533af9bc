// §8 rule 5, the wave graph: what is upstream of a processor in its own partition — the writers of what
// it reads (a window over earlier partitions excluded), the previous level of its stage, and the gates
// that fire it with everything upstream of their members. A hold waits for exactly this set; the
// runtime evaluates the gates after a processor and releases what is downstream of it from the same graph.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waveGraph } from '../../engine/core/waves.js';
import { tinyPlan } from './builders.js';
import { currentDayWindow, teamsGate, thirdLevel } from './wave-plans.js';

const plan = tinyPlan();
const sorted = (s: Iterable<string> | undefined) => [...(s ?? [])].sort();
const upstreamOf = (p: string, of = plan) => sorted(waveGraph(of).upstream.get(p));
const downstreamOf = (p: string, of = plan) => sorted(waveGraph(of).downstream.get(p));

describe('waves: the same-partition graph (§8.5)', () => {
  it('a scraper has nothing upstream', () => {
    assert.deepEqual(upstreamOf('scrape_box'), []);
    assert.deepEqual(sorted(waveGraph(plan).gatesUpstream.get('scrape_box')), []);
  });

  it('a reader has the writers of what it reads upstream, and theirs, transitively', () => {
    assert.deepEqual(upstreamOf('load_box'), ['scrape_box']);
    assert.deepEqual(upstreamOf('player_totals'), ['load_box', 'load_lines', 'scrape_box', 'scrape_lines']);
  });

  it('a window over earlier partitions is history, not upstream: team_totals does not wait for today\'s lines', () => {
    assert.deepEqual(upstreamOf('team_totals'), ['load_box', 'scrape_box']);
    assert.ok(!waveGraph(plan).downstream.get('load_lines')!.has('team_totals'));
  });

  it('a window that includes the run\'s own day is upstream', () => {
    const p = currentDayWindow();
    assert.deepEqual(upstreamOf('team_totals', p), ['load_box', 'load_lines', 'scrape_box', 'scrape_lines']);
    assert.ok(waveGraph(p).downstream.get('load_lines')!.has('team_totals'));
  });

  it('a processor fired by a gate through a stage has the gate, its members and their upstream upstream', () => {
    // player_form reads analytics.players (player_totals) but not analytics.teams: team_totals is upstream only as a member.
    assert.deepEqual(upstreamOf('player_form'), ['load_box', 'load_lines', 'player_totals', 'scrape_box', 'scrape_lines', 'team_totals']);
    assert.deepEqual(sorted(waveGraph(plan).gatesUpstream.get('player_form')), ['analytics_done']);
  });

  it('a later stage level inherits the gate that fired the first level', () => {
    assert.deepEqual(sorted(waveGraph(plan).gatesUpstream.get('player_vectors')), ['analytics_done']);
    assert.deepEqual(upstreamOf('player_vectors'), ['load_box', 'load_lines', 'player_form', 'player_totals', 'scrape_box', 'scrape_lines', 'team_totals']);
  });

  it('the previous level of its stage is upstream even when a level reads nothing of it', () => {
    const p = thirdLevel(); // team_report (level 3) reads analytics.teams only
    assert.deepEqual(upstreamOf('team_report', p), ['load_box', 'load_lines', 'player_form', 'player_totals', 'player_vectors', 'scrape_box', 'scrape_lines', 'team_totals']);
    assert.deepEqual(sorted(waveGraph(p).gatesUpstream.get('team_report')), ['analytics_done']);
    assert.deepEqual(downstreamOf('player_vectors', p), ['team_report']);
  });

  it('the first level of a stage is not fired by later levels: a level never waits for its own stage\'s later levels', () => {
    const p = thirdLevel();
    assert.ok(!waveGraph(p).upstream.get('player_form')!.has('player_vectors'));
    assert.ok(!waveGraph(p).upstream.get('player_vectors')!.has('team_report'));
  });

  it('a processor a gate fires directly has that gate and its members upstream, and nothing of other gates', () => {
    const p = teamsGate(); // teams_done waits for team_totals and fires team_report, which reads nothing
    assert.deepEqual(upstreamOf('team_report', p), ['load_box', 'scrape_box', 'team_totals']);
    assert.deepEqual(sorted(waveGraph(p).gatesUpstream.get('team_report')), ['teams_done']);
    assert.deepEqual(sorted(waveGraph(p).gatesUpstream.get('player_form')), ['analytics_done']);
  });

  it('a processor is never upstream of itself', () => {
    for (const of of [plan, currentDayWindow(), thirdLevel(), teamsGate()])
      for (const [name, ups] of waveGraph(of).upstream) assert.ok(!ups.has(name), name);
  });

  describe('gates', () => {
    it('a gate\'s upstream is its members and everything upstream of them', () => {
      assert.deepEqual(sorted(waveGraph(plan).gateUpstream.get('analytics_done')), ['load_box', 'load_lines', 'player_totals', 'scrape_box', 'scrape_lines', 'team_totals']);
      assert.deepEqual(sorted(waveGraph(teamsGate()).gateUpstream.get('teams_done')), ['load_box', 'scrape_box', 'team_totals']);
    });

    it('the gates after a processor are those whose fire may depend on it settling', () => {
      const g = waveGraph(teamsGate());
      assert.deepEqual(g.gatesAfter.get('team_totals'), ['analytics_done', 'teams_done']);
      assert.deepEqual(g.gatesAfter.get('scrape_box'), ['analytics_done', 'teams_done']);
      assert.deepEqual(g.gatesAfter.get('load_lines'), ['analytics_done']);
      assert.deepEqual(g.gatesAfter.get('player_form'), [], 'downstream of every gate');
      assert.deepEqual(g.gatesAfter.get('team_report'), []);
    });
  });

  describe('downstream', () => {
    it('is what a processor\'s settling may release', () => {
      assert.deepEqual(downstreamOf('load_lines'), ['player_form', 'player_totals', 'player_vectors']);
      assert.deepEqual(downstreamOf('team_totals'), ['player_form', 'player_vectors']);
      assert.deepEqual(downstreamOf('player_vectors'), []);
    });

    it('is exactly the inverse of upstream', () => {
      for (const of of [plan, thirdLevel(), teamsGate()]) {
        const g = waveGraph(of);
        for (const a of of.processors.keys())
          for (const b of of.processors.keys()) assert.equal(g.downstream.get(a)!.has(b), g.upstream.get(b)!.has(a), `${a} → ${b}`);
      }
    });
  });

  it('is derived once per plan (the runtime asks for it on every claim), and each plan has its own', () => {
    assert.equal(waveGraph(plan), waveGraph(plan));
    const other = teamsGate();
    assert.notEqual(waveGraph(other), waveGraph(plan));
    assert.ok(waveGraph(other).upstream.has('team_report'));
    assert.ok(!waveGraph(plan).upstream.has('team_report'));
  });
});
