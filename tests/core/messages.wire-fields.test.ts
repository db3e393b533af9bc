// What each engine event looks like on the wire, field by field (§6): the unified message other systems
// read (the seeds' fields: identity, data reference, status, timing, backfill flags, trigger source,
// metadata) and the attributes subscriptions filter on. The round trip cannot see a field the reader
// ignores (skip_downstream_trigger, trigger_source, records_failed...), so these are written out whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toWire } from '../../engine/core/messages.js';
import type { RequestReason } from '../../engine/core/types.js';
import { assetUpdated, backfill, D, plain, runRequested, T0, taskRequested, tinyPlan } from './builders.js';

const plan = tinyPlan();
const wire = (e: Parameters<typeof toWire>[1]) => plain(toWire(plan, e)) as { data: Record<string, unknown>; attributes: Record<string, string> };

/** The fields every event type carries: its type, the partition (also under the plan's key), lineage, time, backfill flags. */
const common = (eventType: string, over: Record<string, unknown> = {}) => ({
  event_type: eventType, partition: D, game_date: D, correlation_id: 'corr-1', parents: [], timestamp: new Date(T0).toISOString(),
  backfill_mode: false, backfill_reason: null, stop_after: null, skip_downstream_trigger: false, ...over,
});

describe('messages: the wire fields of each event type', () => {
  it('a table update: the unified fields, the dataset and table split, the origin in metadata', () => {
    const e = assetUpdated('analytics.players', D, { version: 3, processor: 'player_totals', rows: 42, executionId: 'exec-7', changedEntities: { player: ['curry'] }, ticket: 'tk-1' });
    assert.deepEqual(wire(e), {
      attributes: { event_type: 'table_updated', correlation_id: 'corr-1', partition: D, ticket: 'tk-1', processor: 'player_totals' },
      data: {
        ...common('table_updated'), processor_name: 'player_totals', phase: 'analytics', execution_id: 'exec-7', asset: 'analytics.players',
        output_table: 'players', output_dataset: 'analytics', version: 3, changed_entities: { player: ['curry'] }, status: 'success',
        record_count: 42, records_failed: 0, error_message: null, error_type: null, trigger_source: 'pubsub', metadata: { origin: 'engine' },
      },
    });
  });

  it('an update of an object collection with no writer known: no dataset, the collection as the table, no processor attribute', () => {
    const e = assetUpdated('objects/lines', D, { version: 1, processor: undefined, executionId: undefined, rows: undefined, origin: 'gcs' });
    assert.deepEqual(wire(e), {
      attributes: { event_type: 'table_updated', correlation_id: 'corr-1', partition: D },
      data: {
        ...common('table_updated'), processor_name: null, phase: null, execution_id: null, asset: 'objects/lines', output_table: 'objects/lines',
        output_dataset: null, version: 1, changed_entities: null, status: 'success', record_count: null, records_failed: 0, error_message: null,
        error_type: null, trigger_source: 'pubsub', metadata: { origin: 'gcs' },
      },
    });
  });

  it('backfill flags: mode, reason and stop_after, and never skip_downstream_trigger (stop_after governs it)', () => {
    const { data } = wire(assetUpdated('raw.box', D, { backfill: backfill('raw', 'reload') }));
    assert.deepEqual([data.backfill_mode, data.backfill_reason, data.stop_after, data.skip_downstream_trigger], [true, 'reload', 'raw', false]);
  });

  it('a run request: who asked and why, its scope and stage, the flags defaulting to false', () => {
    assert.deepEqual(wire(runRequested('player_totals', D, { ticket: 'tk-2' })), {
      attributes: { event_type: 'run_requested', correlation_id: 'corr-1', partition: D, ticket: 'tk-2', processor: 'player_totals' },
      data: {
        ...common('run_requested'), processor_name: 'player_totals', scope: null, reason: 'manual', source: 'cli', stage: null, force: false,
        only_if_not_done: false, trigger_source: 'manual', metadata: {},
      },
    });
    const staged = wire(runRequested('player_vectors', D, { reason: 'stage', source: 'features/level-2', scope: { kind: 'player', ids: ['lebron'] }, stage: { name: 'features', epoch: 3, level: 2 }, force: true, onlyIfNotDone: true }));
    assert.deepEqual(
      [staged.data.scope, staged.data.stage, staged.data.force, staged.data.only_if_not_done],
      [{ kind: 'player', ids: ['lebron'] }, { name: 'features', epoch: 3, level: 2 }, true, true],
    );
  });

  it('a run request\'s trigger_source: scheduler for a schedule, manual for a person, pubsub for everything the engine sends itself', () => {
    const expected: Record<RequestReason, string> = { schedule: 'scheduler', manual: 'manual', gate: 'pubsub', stage: 'pubsub', rerun: 'pubsub', replay: 'pubsub', straggler: 'pubsub' };
    for (const [reason, source] of Object.entries(expected)) assert.equal(wire(runRequested('player_totals', D, { reason: reason as RequestReason })).data.trigger_source, source, reason);
  });

  it('a fan-out task: the execution, the entity kind and ids, the round; its attributes carry no ticket', () => {
    assert.deepEqual(wire(taskRequested('player_vectors', D, { ids: ['curry', 'lebron'], round: 2 })), {
      attributes: { event_type: 'task_requested', correlation_id: 'corr-1', partition: D, processor: 'player_vectors' },
      data: { ...common('task_requested'), processor_name: 'player_vectors', execution_id: 'exec-fan', entity: 'player', entity_ids: ['curry', 'lebron'], round: 2, metadata: {} },
    });
  });

  it('an event without a ticket gets no ticket attribute (an empty one is none)', () => {
    assert.equal('ticket' in wire(assetUpdated('raw.box', D)).attributes, false);
    assert.equal('ticket' in wire(runRequested('player_totals', D, { ticket: '' })).attributes, false);
  });
});
