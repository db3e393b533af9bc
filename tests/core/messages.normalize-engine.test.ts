// Reading engine messages that did not come out of toWire whole: older engines, other tools, hand-written
// replays (§6). Each missing field gets a documented default (reason manual, source unknown, round 1,
// the time of arrival, a made-up correlation id), junk inside a list is dropped rather than carried
// into the state store, and the delivery's ticket comes from its attributes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize } from '../../engine/core/messages.js';
import type { EngineEvent } from '../../engine/core/types.js';
import { T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const TOPIC = 'tiny-analytics';
const updated = (over: Record<string, unknown> = {}) => ({ event_type: 'table_updated', asset: 'raw.box', partition: '2025-11-14', version: 2, ...over });
const requested = (over: Record<string, unknown> = {}) => ({ event_type: 'run_requested', processor_name: 'player_totals', partition: '2025-11-14', ...over });
const task = (over: Record<string, unknown> = {}) => ({ event_type: 'task_requested', processor_name: 'player_vectors', partition: '2025-11-14', execution_id: 'exec-fan', entity: 'player', entity_ids: ['lebron'], round: 2, ...over });

/** The event `data` (with `attributes`) becomes; fails when it is rejected. */
function eventOf(data: unknown, attributes: Record<string, string> = {}, now = T0): EngineEvent {
  const n = normalize(plan, TOPIC, data, attributes, now);
  assert.ok(n.ok, `rejected: ${!n.ok && n.reason}`);
  return n.event;
}
const updateOf = (data: unknown, attributes?: Record<string, string>) => {
  const e = eventOf(data, attributes);
  assert.equal(e.type, 'asset_updated');
  return e as Extract<EngineEvent, { type: 'asset_updated' }>;
};

describe('messages: engine messages, field by field', () => {
  it('asset_updated is read as table_updated, and the asset can be given as output_dataset + output_table', () => {
    assert.equal(updateOf(updated({ event_type: 'asset_updated' })).asset, 'raw.box');
    assert.equal(updateOf(updated({ asset: undefined, output_dataset: 'raw', output_table: 'box' })).asset, 'raw.box');
  });

  it('a version of null is no version: an external update, whose origin is unified', () => {
    const e = updateOf(updated({ version: null }));
    assert.equal(e.version, undefined);
    assert.equal(e.origin, 'unified');
  });

  it('the origin: metadata.origin when it is one we know, else engine with a version and unified without', () => {
    assert.equal(updateOf(updated({ version: 2 })).origin, 'engine');
    assert.equal(updateOf(updated({ version: undefined })).origin, 'unified');
    for (const origin of ['engine', 'unified', 'legacy', 'gcs'] as const) {
      assert.equal(updateOf(updated({ version: 2, metadata: { origin } })).origin, origin, `${origin} with a version`);
      assert.equal(updateOf(updated({ version: undefined, metadata: { origin } })).origin, origin, `${origin} without a version`);
    }
    for (const metadata of [null, 'engine', { origin: 'somewhere' }, []]) assert.equal(updateOf(updated({ version: 2, metadata })).origin, 'engine', JSON.stringify(metadata));
  });

  it('the status: no_data, partial and failed are kept, anything else is a success', () => {
    for (const status of ['no_data', 'partial', 'failed', 'success'] as const) assert.equal(updateOf(updated({ status })).status, status);
    for (const status of [undefined, 'SUCCESS', 'weird', 3]) assert.equal(updateOf(updated({ status })).status, 'success', JSON.stringify(status));
  });

  it('record_count is rows only when it is a number', () => {
    assert.equal(updateOf(updated({ record_count: 42 })).rows, 42);
    assert.equal(updateOf(updated({ record_count: '42' })).rows, undefined);
  });

  it('without correlation_id the execution id correlates, then one made up from the asset and partition; empty strings are absent', () => {
    assert.equal(updateOf(updated({ correlation_id: '', execution_id: 'exec-3' })).correlationId, 'exec-3');
    assert.equal(updateOf(updated({ correlation_id: undefined, execution_id: '' })).correlationId, 'ext-raw.box-2025-11-14');
    assert.equal(eventOf(requested()).correlationId, 'req-player_totals-2025-11-14');
  });

  it('the partition falls back to the plan\'s key when `partition` is empty', () => {
    assert.equal(updateOf(updated({ partition: '', game_date: '2025-11-13' })).partition, '2025-11-13');
  });

  it('parents keep only the ids: anything that is not a string is dropped', () => {
    assert.deepEqual(updateOf(updated({ parents: ['exec-1', 7, null, { id: 'x' }, 'exec-2'] })).parents, ['exec-1', 'exec-2']);
    assert.deepEqual(updateOf(updated({ parents: 'exec-1' })).parents, []);
  });

  it('the time is the message\'s ISO timestamp, else the time of arrival (a number or a list is not a timestamp)', () => {
    assert.equal(eventOf(updated({ timestamp: '2025-11-14T04:00:00Z' })).emittedAt, Date.parse('2025-11-14T04:00:00Z'));
    for (const timestamp of [undefined, 'yesterday', 2025, ['2025-11-14T04:00:00Z']]) assert.equal(eventOf(updated({ timestamp })).emittedAt, T0, JSON.stringify(timestamp));
  });

  it('backfill flags: only backfill_mode true makes a backfill, whose reason defaults to "backfill"', () => {
    assert.deepEqual(updateOf(updated({ backfill_mode: true })).backfill, { mode: true, reason: 'backfill' });
    assert.deepEqual(updateOf(updated({ backfill_mode: true, backfill_reason: 'reload', stop_after: 'raw' })).backfill, { mode: true, reason: 'reload', stopAfter: 'raw' });
    assert.equal(updateOf(updated({ backfill_mode: 'yes', backfill_reason: 'reload' })).backfill, null);
  });

  it('a run request without reason, source, scope or flags: manual, from an unknown source, the whole partition, not forced', () => {
    const e = eventOf(requested());
    assert.ok(e.type === 'run_requested');
    assert.deepEqual([e.reason, e.source, e.scope, e.stage, e.force, e.onlyIfNotDone], ['manual', 'unknown', null, undefined, false, false]);
  });

  it('a run request\'s stage is read only from an object; force and only_if_not_done only when exactly true', () => {
    const staged = eventOf(requested({ stage: { name: 'features', epoch: '3', level: 2 }, force: true, only_if_not_done: true }));
    assert.ok(staged.type === 'run_requested');
    assert.deepEqual([staged.stage, staged.force, staged.onlyIfNotDone], [{ name: 'features', epoch: 3, level: 2 }, true, true]);
    for (const stage of [null, 'features', 2]) {
      const e = eventOf(requested({ stage, force: 'true', only_if_not_done: 1 }));
      assert.ok(e.type === 'run_requested');
      assert.deepEqual([e.stage, e.force, e.onlyIfNotDone], [undefined, false, false], JSON.stringify(stage));
    }
  });

  it('a task keeps only string entity ids, is round 1 unless told, and correlates by its execution', () => {
    const e = eventOf(task({ entity_ids: ['lebron', 7, 'curry'], round: undefined }));
    assert.ok(e.type === 'task_requested');
    assert.deepEqual([e.ids, e.round, e.correlationId], [['lebron', 'curry'], 1, 'exec-fan']);
    const numbered = eventOf(task({ execution_id: 42, round: '3' }));
    assert.ok(numbered.type === 'task_requested');
    assert.deepEqual([numbered.executionId, numbered.correlationId, numbered.round], ['42', '42', 1]);
  });

  it('a task whose entity ids are all junk has none: rejected', () => {
    const n = normalize(plan, TOPIC, task({ entity_ids: [1, null] }));
    assert.deepEqual(n, { ok: false, reason: 'task_requested needs execution_id, entity and a non-empty entity_ids list' });
  });
});

describe('messages: the delivery\'s ticket (the outbox entry that emitted it) comes from the attributes', () => {
  it('an update and a run request take it', () => {
    assert.equal(updateOf(updated(), { ticket: 'tk-1' }).ticket, 'tk-1');
    const e = eventOf(requested(), { ticket: 'tk-2' });
    assert.equal(e.type === 'run_requested' && e.ticket, 'tk-2');
  });

  it('a fan-out task does not: tasks open no tickets, so one would never be found', () => {
    assert.equal('ticket' in eventOf(task(), { ticket: 'tk-3' }), false);
  });

  it('an empty or non-string ticket attribute is no ticket', () => {
    assert.equal('ticket' in updateOf(updated(), { ticket: '' }), false);
    assert.equal('ticket' in updateOf(updated(), { ticket: 7 } as unknown as Record<string, string>), false);
  });

  it('a rejected message stays rejected whatever its attributes', () => {
    assert.deepEqual(normalize(plan, TOPIC, updated({ asset: 'raw.nope' }), { ticket: 'tk-4' }), { ok: false, reason: 'unknown asset "raw.nope": not declared in the spec' });
  });
});
