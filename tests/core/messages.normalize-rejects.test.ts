// Garbage in gets a precise rejection reason (and goes to the DLQ; it never loops): the reason says
// what is wrong and, where it can, what was expected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize } from '../../engine/core/messages.js';
import { tinyPlan } from './builders.js';

const plan = tinyPlan();
const TOPIC = 'tiny-analytics';
const reasonFor = (data: unknown) => {
  const n = normalize(plan, TOPIC, data, {}, 0);
  assert.equal(n.ok, false, `accepted: ${JSON.stringify(data)}`);
  assert.notEqual(!n.ok && n.ignored, true, 'garbage is rejected, not ignored');
  return !n.ok ? n.reason : '';
};
const updated = (over: Record<string, unknown>) => ({ event_type: 'table_updated', asset: 'raw.box', partition: '2025-11-14', version: 2, ...over });
const requested = (over: Record<string, unknown>) => ({ event_type: 'run_requested', processor_name: 'player_totals', partition: '2025-11-14', ...over });

describe('messages: rejecting garbage', () => {
  it('a body that is not a JSON object', () => {
    for (const body of [[1, 2], 42, 'table_updated', null, true]) assert.equal(reasonFor(body), 'message body must be a JSON object');
  });

  it('an object that is no known message', () => {
    assert.match(reasonFor({ hello: 'world' }), /^not a recognised message: expected a unified message .*, a legacy scraper message .* or a GCS object-finalize notification$/);
  });

  it('something with a processor_name but no status, or a status but no processor_name, is no unified message', () => {
    const unrecognised = /^not a recognised message: /;
    assert.match(reasonFor({ processor_name: 'load_box', game_date: '2025-11-14', output_dataset: 'raw', output_table: 'box' }), unrecognised);
    assert.match(reasonFor({ status: 'success', game_date: '2025-11-14', output_dataset: 'raw', output_table: 'box' }), unrecognised);
    assert.match(reasonFor({ processor_name: 7, status: 'success', game_date: '2025-11-14' }), unrecognised);
  });

  it('a missing partition', () => {
    assert.equal(reasonFor(updated({ partition: undefined })), 'missing the partition: give `partition` or `game_date` as YYYY-MM-DD');
    assert.equal(reasonFor(updated({ partition: 20251114 })), 'missing the partition: give `partition` or `game_date` as YYYY-MM-DD');
  });

  it('a partition that is not a date', () => {
    assert.equal(reasonFor(updated({ partition: '2025-02-30' })), 'partition "2025-02-30" is not a date (YYYY-MM-DD)');
    assert.equal(reasonFor(updated({ partition: '11/14/2025' })), 'partition "11/14/2025" is not a date (YYYY-MM-DD)');
  });

  it('takes the partition from the plan\'s key too', () => {
    assert.equal(normalize(plan, TOPIC, updated({ partition: undefined, game_date: '2025-11-14' })).ok, true);
  });

  it('an unknown asset', () => {
    assert.equal(reasonFor(updated({ asset: 'raw.nope' })), 'unknown asset "raw.nope": not declared in the spec');
    assert.equal(reasonFor(updated({ asset: undefined })), 'unknown asset null: not declared in the spec');
  });

  it('a version that is not a positive integer', () => {
    for (const version of [0, -1, 1.5, 'two']) assert.equal(reasonFor(updated({ version })), `version must be a positive integer, found ${JSON.stringify(version)}`);
  });

  it('changed_entities that are not kind → list of ids', () => {
    for (const changed_entities of [['lebron'], [['lebron']], 'lebron', 5, true, { player: 'lebron' }, { player: [1, 2] }, { player: ['lebron', 7] }])
      assert.equal(reasonFor(updated({ changed_entities })), 'changed_entities must map entity kinds to lists of ids, or be null', JSON.stringify(changed_entities));
  });

  it('an unknown processor', () => {
    assert.equal(reasonFor(requested({ processor_name: 'nope' })), 'unknown processor "nope"');
    assert.equal(reasonFor(requested({ processor_name: undefined })), 'unknown processor null');
  });

  it('a malformed scope', () => {
    for (const scope of ['player', 5, { kind: 'player' }, { kind: 7, ids: ['lebron'] }, { ids: ['lebron'] }, { kind: 'player', ids: 'lebron' }, { kind: 'player', ids: [7] }, { kind: 'player', ids: ['lebron', 7] }])
      assert.equal(reasonFor(requested({ scope })), 'scope must be null or { kind, ids: [...] }', JSON.stringify(scope));
  });

  it('no scope at all is the whole partition, not a malformed one', () => {
    for (const scope of [undefined, null]) {
      const n = normalize(plan, TOPIC, requested({ scope }));
      assert.equal(n.ok && n.event.type === 'run_requested' && n.event.scope, null, JSON.stringify(scope));
    }
  });

  it('a version of null is none; a string version is read as its number', () => {
    assert.equal(normalize(plan, TOPIC, updated({ version: null })).ok, true);
    const n = normalize(plan, TOPIC, updated({ version: '3' }));
    assert.equal(n.ok && n.event.type === 'asset_updated' && n.event.version, 3);
  });

  it('an asset given by output table alone, or by dataset alone, is no asset', () => {
    assert.equal(reasonFor(updated({ asset: undefined, output_table: 'box' })), 'unknown asset null: not declared in the spec');
    assert.equal(reasonFor(updated({ asset: undefined, output_dataset: 'raw' })), 'unknown asset null: not declared in the spec');
  });

  it('a stop_after that names no phase', () => {
    assert.equal(reasonFor(updated({ backfill_mode: true, stop_after: 'analytic' })), 'stop_after "analytic" is not a phase (scrapers, raw, analytics, features)');
  });

  it('an unknown event_type', () => {
    assert.equal(reasonFor(updated({ event_type: 'table_deleted' })), 'unknown event_type "table_deleted" (expected table_updated, run_requested or task_requested)');
  });

  it('a task for a processor that does not fan out, or without its execution, entity kind or ids', () => {
    const task = (over: Record<string, unknown>) => ({ event_type: 'task_requested', processor_name: 'player_vectors', partition: '2025-11-14', execution_id: 'exec-fan', entity: 'player', entity_ids: ['lebron'], round: 1, ...over });
    assert.equal(normalize(plan, TOPIC, task({})).ok, true);
    assert.equal(reasonFor(task({ processor_name: 'player_totals' })), 'task for "player_totals", which does not fan out');
    assert.equal(reasonFor(task({ processor_name: 'nope' })), 'task for "nope", which does not fan out');
    assert.equal(reasonFor(task({ processor_name: undefined })), 'task for null, which does not fan out');
    for (const over of [{ entity_ids: undefined }, { entity_ids: [] }, { entity: undefined }, { execution_id: undefined }])
      assert.equal(reasonFor(task(over)), 'task_requested needs execution_id, entity and a non-empty entity_ids list', JSON.stringify(over));
  });
});
