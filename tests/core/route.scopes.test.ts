// route (§3, §8.8): an event → the candidates it sets in motion. An asset update routes to the
// processors it triggers (same-day reads; window reads and stage members do not trigger), each scoped
// to the changed entities when it declares that scope kind; a request routes to its one processor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { route } from '../../engine/core/route.js';
import { assetUpdated, backfill, candidateFor, D, routed, runRequested, taskRequested, tinyPlan } from './builders.js';

const plan = tinyPlan();
const scopeOf = (changedEntities: Record<string, string[]> | null) => candidateFor(plan, assetUpdated('raw.box', D, { changedEntities }), 'player_totals').scope;

describe('route: triggers', () => {
  it('routes an update to every processor it triggers, in plan order', () => {
    assert.deepEqual(routed(plan, assetUpdated('raw.box')), ['player_totals', 'team_totals']);
    assert.deepEqual(routed(plan, assetUpdated('objects/boxscores')), ['load_box']);
  });

  it('does not trigger through window reads', () => {
    assert.deepEqual(routed(plan, assetUpdated('raw.lines')), ['player_totals'], 'team_totals reads raw.lines through a window');
    assert.deepEqual(routed(plan, assetUpdated('analytics.players')), [], 'player_form reads it through a window (and is a stage member)');
  });

  it('does not trigger stage members: their level requests them', () => {
    assert.deepEqual(routed(plan, assetUpdated('features.form')), []);
  });

  it('routes a failed update nowhere', () => {
    assert.deepEqual(route(plan, assetUpdated('raw.box', D, { status: 'failed' })), []);
  });

  it('routes a no_data update like any other: readiness decides', () => {
    assert.deepEqual(routed(plan, assetUpdated('raw.box', D, { status: 'no_data', rows: 0 })), ['player_totals', 'team_totals']);
  });

  it('routes an update of an asset nobody reads nowhere', () => {
    assert.deepEqual(route(plan, assetUpdated('features.vectors')), []);
  });

  it('carries partition, trigger, backfill and lineage: the writing run becomes the parent', () => {
    const c = candidateFor(plan, assetUpdated('raw.box', '2025-11-14', { version: 4, executionId: 'exec-load', correlationId: 'corr-7', parents: ['exec-scrape'], backfill: backfill('analytics') }), 'team_totals');
    assert.deepEqual(c, {
      processor: 'team_totals', partition: '2025-11-14', scope: null, trigger: { kind: 'asset', asset: 'raw.box', version: 4 },
      lineage: { correlationId: 'corr-7', parents: ['exec-load'] }, backfill: backfill('analytics'),
    });
  });

  it('keeps the event\'s parents when no run wrote it (an external update)', () => {
    const c = candidateFor(plan, assetUpdated('raw.box', D, { executionId: undefined, parents: ['exec-elsewhere'], origin: 'unified' }), 'player_totals');
    assert.deepEqual(c.lineage.parents, ['exec-elsewhere']);
  });
});

describe('route: scopes (§8.8)', () => {
  it('scopes a processor to the changed entities of its first declared kind, sorted and without repeats', () => {
    assert.deepEqual(scopeOf({ player: ['lebron', 'curry', 'lebron'] }), { kind: 'player', ids: ['curry', 'lebron'] });
  });

  it('takes the first declared scope kind present (player before game for player_totals)', () => {
    assert.deepEqual(scopeOf({ game: ['g1'], player: ['lebron'] }), { kind: 'player', ids: ['lebron'] });
    assert.deepEqual(scopeOf({ team: ['LAL'], game: ['g1'] }), { kind: 'game', ids: ['g1'] });
    assert.deepEqual(scopeOf({ player: [], game: ['g1'] }), { kind: 'game', ids: ['g1'] }, 'an empty list is not a scope');
  });

  it('runs for the whole partition when none of its scope kinds changed, or changes are unknown', () => {
    assert.equal(scopeOf({ team: ['LAL'] }), null);
    assert.equal(scopeOf(null), null);
  });

  it('runs processors without declared scopes for the whole partition', () => {
    const c = candidateFor(plan, assetUpdated('raw.box', D, { changedEntities: { player: ['lebron'], team: ['LAL'] } }), 'team_totals');
    assert.equal(c.scope, null);
  });
});

describe('route: requests and tasks', () => {
  it('routes a request to its one processor, keeping scope, stage, force and flags', () => {
    const e = runRequested('player_vectors', D, {
      scope: { kind: 'player', ids: ['lebron'] }, reason: 'stage', source: 'features/level-2', stage: { name: 'features', epoch: 3, level: 2 },
      force: true, onlyIfNotDone: true, backfill: backfill('features'), correlationId: 'corr-3', parents: ['exec-form'],
    });
    assert.deepEqual(route(plan, e), [{
      processor: 'player_vectors', partition: D, scope: { kind: 'player', ids: ['lebron'] }, trigger: { kind: 'request', reason: 'stage', source: 'features/level-2' },
      lineage: { correlationId: 'corr-3', parents: ['exec-form'] }, backfill: backfill('features'), stage: { name: 'features', epoch: 3, level: 2 },
      force: true, onlyIfNotDone: true,
    }]);
  });

  it('routes fan-out tasks to no candidate (the runtime runs tasks itself)', () => {
    assert.deepEqual(route(plan, taskRequested('player_vectors')), []);
  });
});
