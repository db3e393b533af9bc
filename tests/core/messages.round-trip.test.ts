// The message contract (§6): every engine event survives toWire → normalize with every field, and the
// wire message carries what other systems read (event_type, the partition under the plan's key, the
// processor, output table, status, backfill flags) and the attributes subscriptions filter on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize, toWire } from '../../engine/core/messages.js';
import type { EngineEvent } from '../../engine/core/types.js';
import { assetUpdated, backfill, plain, runRequested, T0, taskRequested, tinyPlan } from './builders.js';

const plan = tinyPlan();
/** Out on the wire on `topic`, and back in. */
function roundTrip(e: EngineEvent, topic = 'tiny-analytics') {
  const { data, attributes } = toWire(plan, e);
  return normalize(plan, topic, plain(data), attributes, 0);
}
function assertSurvives(e: EngineEvent) {
  const back = roundTrip(e);
  assert.ok(back.ok, `rejected: ${!back.ok && back.reason}`);
  assert.deepEqual(plain(back.event), plain(e));
}

describe('messages: toWire → normalize round trip', () => {
  it('keeps every field of an engine asset update', () => {
    assertSurvives(assetUpdated('analytics.players', '2025-11-14', {
      version: 3, changedEntities: { player: ['curry', 'lebron'], game: ['g1'] }, rows: 42, executionId: 'exec-7', processor: 'player_totals',
      status: 'partial', backfill: backfill('analytics', 'reload'), emittedAt: T0 + 123, origin: 'engine', correlationId: 'corr-9', parents: ['exec-5', 'exec-6'],
    }));
  });

  it('keeps an update with nothing optional: no rows, no backfill, unknown changes', () => {
    assertSurvives(assetUpdated('raw.box', '2025-11-14', { rows: undefined, changedEntities: null, processor: 'load_box', status: 'no_data' }));
  });

  it('keeps an object-collection update and where it came from', () => {
    assertSurvives(assetUpdated('objects/boxscores', '2025-11-14', { version: 2, processor: 'scrape_box', origin: 'legacy' }));
    assertSurvives(assetUpdated('objects/lines', '2025-11-14', { version: 1, processor: 'scrape_lines', origin: 'gcs', executionId: undefined }));
    assertSurvives(assetUpdated('raw.lines', '2025-11-14', { version: undefined, processor: undefined, executionId: undefined, origin: 'unified' }));
  });

  it('keeps every field of a run request', () => {
    assertSurvives(runRequested('player_vectors', '2025-11-14', {
      scope: { kind: 'player', ids: ['lebron'] }, reason: 'stage', source: 'features/level-2', stage: { name: 'features', epoch: 3, level: 2 },
      force: true, onlyIfNotDone: true, backfill: backfill(), correlationId: 'corr-2', parents: ['exec-form'], emittedAt: T0,
    }));
    assertSurvives(runRequested('scrape_box', '2025-11-14', { reason: 'schedule', source: 'morning', force: false, onlyIfNotDone: false }));
  });

  it('keeps every field of a fan-out task', () => {
    assertSurvives(taskRequested('player_vectors', '2025-11-14', { executionId: 'exec-fan', entity: 'player', ids: ['curry', 'lebron'], round: 2, backfill: backfill('features'), parents: ['exec-form'] }));
  });

  it('writes the unified fields other systems read, and the attributes subscriptions filter on', () => {
    const { data, attributes } = toWire(plan, assetUpdated('analytics.players', '2025-11-14', { version: 3, processor: 'player_totals', rows: 42, backfill: backfill('analytics') }));
    assert.deepEqual(attributes, { event_type: 'table_updated', correlation_id: 'corr-1', partition: '2025-11-14', processor: 'player_totals' });
    assert.equal(data.game_date, '2025-11-14');
    assert.equal(data.processor_name, 'player_totals');
    assert.equal(data.phase, 'analytics');
    assert.equal(data.output_dataset, 'analytics');
    assert.equal(data.output_table, 'players');
    assert.equal(data.record_count, 42);
    assert.equal(data.backfill_mode, true);
    assert.equal(data.stop_after, 'analytics');
    assert.equal(data.timestamp, new Date(T0).toISOString());
  });
});
