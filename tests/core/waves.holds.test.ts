// §8 rule 5, holds: a processor is decided only when nothing upstream of it in its partition has
// unsettled work (open tickets, a run, a failure for good) and no gate upstream of it is about to fire;
// otherwise it is held, with one reason per thing it waits for. Gates waiting for members that may
// never come do not hold what is downstream of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatesToView, gateUnsettled, holdReasons } from '../../engine/core/waves.js';
import { backfill, D, gateState, hours, minutes, partitionVersion, T0, tinyPlan } from './builders.js';
import { teamsGate } from './wave-plans.js';
import { ticket, wave } from './wave-builders.js';

const plan = tinyPlan();
const unsettled = (p: string) => `${p} has unsettled work (1 trigger(s) since update)`;
const bothDone = () => gateState(plan).done('player_totals').done('team_totals');
const aboutToFire = 'gate analytics_done is about to fire (all 2 members done; member versions player_totals=v1 team_totals=v1)';

describe('waves: holds (§8.5)', () => {
  it('a processor with nothing unsettled upstream may go', () => {
    assert.deepEqual(holdReasons(plan, 'player_totals', D, wave().view(), T0), []);
  });

  it('waits for each unsettled processor upstream, named in dependency order', () => {
    const view = wave().unsettled('load_lines').unsettled('scrape_box').view();
    assert.deepEqual(holdReasons(plan, 'player_totals', D, view, T0), [`waiting for ${unsettled('scrape_box')}`, `waiting for ${unsettled('load_lines')}`]);
  });

  it('its own unsettled work, and that of processors not upstream, do not hold it', () => {
    const view = wave().unsettled('player_totals').unsettled('team_totals').unsettled('player_form').view();
    assert.deepEqual(holdReasons(plan, 'player_totals', D, view, T0), []);
  });

  it('a window over earlier days does not wait for today\'s writer', () => {
    assert.deepEqual(holdReasons(plan, 'team_totals', D, wave().unsettled('load_lines').view(), T0), []);
    assert.deepEqual(holdReasons(plan, 'team_totals', D, wave().unsettled('load_box').view(), T0), [`waiting for ${unsettled('load_box')}`]);
  });

  it('a failure for good upstream holds it, saying how to unblock it', () => {
    const view = wave().failed('load_box', 'SchemaError: column points missing').view();
    assert.deepEqual(holdReasons(plan, 'player_totals', D, view, T0), [
      'waiting for load_box failed for good (SchemaError: column points missing); fix it, then `pipeline dlq replay` or run it with --force',
    ]);
  });

  it('a processor upstream that is itself held holds it too', () => {
    assert.deepEqual(holdReasons(plan, 'player_totals', D, wave().deferred('load_box').view(), T0), ['waiting for load_box is itself waiting for upstream work']);
  });

  describe('behind a gate (player_form: fired by analytics_done through stage features)', () => {
    it('waits for a gate member it does not read, named once: through the member, not again through the gate', () => {
      const view = wave().unsettled('team_totals').gate('analytics_done', bothDone()).view();
      assert.deepEqual(holdReasons(plan, 'player_form', D, view, T0), [`waiting for ${unsettled('team_totals')}`]);
    });

    it('waits for a gate about to fire: its members moved since it last fired', () => {
      const view = wave().gate('analytics_done', bothDone().firedFor({ player_totals: 1, team_totals: 0 })).view();
      assert.deepEqual(holdReasons(plan, 'player_form', D, view, T0), [`waiting: ${aboutToFire}`]);
    });

    it('goes once the gate fired for its members\' current versions', () => {
      const view = wave().gate('analytics_done', bothDone().firedFor({ player_totals: 1, team_totals: 1 })).view();
      assert.deepEqual(holdReasons(plan, 'player_form', D, view, T0), []);
    });

    it('a later level waits for the gate that fired the first level', () => {
      const view = wave().gate('analytics_done', bothDone()).view();
      assert.deepEqual(holdReasons(plan, 'player_vectors', D, view, T0), [`waiting: ${aboutToFire}`]);
    });

    it('waits for both an unsettled level before it and a gate about to fire, processors first', () => {
      const view = wave().unsettled('player_form').gate('analytics_done', bothDone()).view();
      assert.deepEqual(holdReasons(plan, 'player_vectors', D, view, T0), [`waiting for ${unsettled('player_form')}`, `waiting: ${aboutToFire}`]);
    });

    it('a gate that fires a processor directly holds it; work not upstream of that gate does not', () => {
      const p = teamsGate(); // teams_done waits for team_totals and fires team_report
      const view = wave().unsettled('load_lines').gate('teams_done', gateState(p).done('team_totals')).view();
      assert.deepEqual(holdReasons(p, 'team_report', D, view, T0), ['waiting: gate teams_done is about to fire (all 1 members done; member versions team_totals=v1)']);
      const busy = wave().unsettled('scrape_box').gate('teams_done', gateState(p).done('team_totals')).view();
      assert.deepEqual(holdReasons(p, 'team_report', D, busy, T0), [`waiting for ${unsettled('scrape_box')}`]);
    });
  });

  describe('a gate\'s own state (gateUnsettled)', () => {
    it('is unsettled while a member has work, naming each busy processor of its upstream', () => {
      const view = wave().unsettled('load_lines').unsettled('player_totals').view();
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, view, T0), [
        `gate analytics_done waits: ${unsettled('player_totals')}`,
        `gate analytics_done waits: ${unsettled('load_lines')}`,
      ]);
    });

    it('is unsettled when it is about to fire', () => {
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, wave().gate('analytics_done', bothDone()).view(), T0), [aboutToFire]);
    });

    it('is settled once it fired for these member versions', () => {
      const view = wave().gate('analytics_done', bothDone().firedFor({ player_totals: 1, team_totals: 1 })).view();
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, view, T0), []);
    });

    it('does not hold what is downstream while a member has no data: that member may never come', () => {
      const view = wave().gate('analytics_done', gateState(plan).done('team_totals')).view();
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, view, T0), []);
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, wave().view(), T0), [], 'a gate the view does not show: nothing done');
    });

    it('past its deadline with its critical member done, it is about to fire degraded', () => {
      const view = wave().gate('analytics_done', gateState(plan).done('player_totals', { updatedAt: T0 - hours(2) })).view();
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, view, T0), [
        'gate analytics_done is about to fire (deadline passed: firing with 1/2 members (degraded); member versions player_totals=v1)',
      ]);
      const early = wave().gate('analytics_done', gateState(plan).done('player_totals', { updatedAt: T0 - minutes(30) })).view();
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, early, T0), []);
    });

    it('is settled when a backfill\'s stop_after keeps it from firing: the flags of the member written last count', () => {
      const outputs = (flags: ReturnType<typeof backfill> | null) => ({
        player_totals: { ...partitionVersion('analytics.players', D, { updatedAt: T0 - hours(2) }), backfill: null },
        team_totals: { ...partitionVersion('analytics.teams', D, { updatedAt: T0 - hours(1) }), backfill: flags },
      });
      const stopped = { pending: new Map(), gates: new Map([['analytics_done', { outputs: outputs(backfill('analytics')) }]]) };
      assert.deepEqual(gateUnsettled(plan, 'analytics_done', D, stopped, T0), [], 'stage features is past phase analytics');
      const live = { pending: new Map(), gates: new Map([['analytics_done', { outputs: outputs(null) }]]) };
      assert.equal(gateUnsettled(plan, 'analytics_done', D, live, T0).length, 1);
    });
  });

  describe('the gates a hold decision must see (gatesToView)', () => {
    it('are the gates upstream of the processors asked about, each once', () => {
      const p = teamsGate();
      assert.deepEqual(gatesToView(p, ['player_form', 'player_vectors']), ['analytics_done']);
      assert.deepEqual(gatesToView(p, ['player_form', 'team_report']).sort(), ['analytics_done', 'teams_done']);
      assert.deepEqual(gatesToView(p, ['team_report']), ['teams_done']);
    });

    it('are none for processors with no gate upstream, or that the plan does not know', () => {
      assert.deepEqual(gatesToView(plan, ['load_box', 'player_totals', 'team_totals']), []);
      assert.deepEqual(gatesToView(plan, ['no_such_processor']), []);
      assert.deepEqual(gatesToView(plan, []), []);
    });
  });
});

describe('waves: what a hold says about unsettled work (pendingText)', () => {
  it('counts the triggers and names each reason once, in the order they came', () => {
    const view = wave().unsettled('load_box', ticket('a'), ticket('b', { reason: 'gate' }), ticket('c'), ticket('d', { reason: 'manual' })).view();
    assert.deepEqual(holdReasons(plan, 'player_totals', D, view, T0), ['waiting for load_box has unsettled work (4 trigger(s) since update, gate, manual)']);
  });

  it('a failure for good is named before the work it holds', () => {
    const view = wave().deferred('load_box').view();
    view.pending.get('load_box')!.failed = { executionId: 'e', error: 'boom', at: T0 };
    assert.match(holdReasons(plan, 'player_totals', D, view, T0)[0]!, /^waiting for load_box failed for good \(boom\)/);
  });
});
