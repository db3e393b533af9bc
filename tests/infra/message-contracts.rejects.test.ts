// The message contracts (engine/infra/message-contracts.ts) as the service applies them to pushes
// (messageValidatorFor): what each must reject, field by field, and the boundary values it must
// still accept. A contract tested only on what toWire produces would let any bound loosen unseen
// (`version` minimum 1 → 0 survived a hand mutation run); here every field has a value it refuses,
// every required field is required, and each refusal names its field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toWire } from '../../engine/core/messages.js';
import type { EngineEvent } from '../../engine/core/types.js';
import { messageContracts, type EventType } from '../../engine/infra/message-contracts.js';
import { messageValidatorFor } from '../../engine/infra/message-schemas.js';
import { nbaPlan } from '../codegen/helpers.js';

const plan = nbaPlan();
const validator = messageValidatorFor(plan);
const T = Date.UTC(2025, 10, 15, 12);
const fanOut = [...plan.processors.values()].find((p) => p.fanOut)!;

/** One valid message of each type, as the engine publishes it. */
const VALID: Record<EventType, EngineEvent> = {
  table_updated: {
    type: 'asset_updated', asset: 'nba_analytics.player_game_summary', partition: '2025-11-15', version: 3, changedEntities: { player: ['lebronjames'] },
    rows: 240, executionId: 'exec-1', processor: 'player_game_summary', status: 'success', backfill: null, emittedAt: T, origin: 'engine', correlationId: 'corr-1', parents: ['exec-0'],
  },
  run_requested: {
    type: 'run_requested', processor: 'team_defense_zone_analysis', partition: '2025-11-15', scope: { kind: 'team', ids: ['LAL'] }, reason: 'stage',
    source: 'precompute', stage: { name: 'precompute', epoch: 2, level: 1 }, backfill: null, emittedAt: T, correlationId: 'corr-1', parents: ['exec-1'],
  },
  task_requested: {
    type: 'task_requested', processor: fanOut.name, partition: '2025-11-15', executionId: 'exec-9', entity: 'player', ids: ['lebronjames'], round: 0,
    backfill: null, emittedAt: T, correlationId: 'corr-1', parents: ['exec-9'],
  },
};

const wire = (t: EventType): Record<string, unknown> => JSON.parse(JSON.stringify(toWire(plan, VALID[t]).data));
const check = (t: EventType, over: Record<string, unknown>) => validator.validate(t, { ...wire(t), ...over });

/** Fields every engine message carries, with values the contract must refuse. */
const COMMON_REJECTS: Array<[string, unknown]> = [
  ['partition', '15/11/2025'], ['partition', null], ['game_date', '2025-13-01'], ['correlation_id', 7], ['parents', 'exec-0'], ['parents', [1]],
  ['timestamp', 'yesterday'], ['backfill_mode', 'no'], ['backfill_reason', 3], ['stop_after', 'no_such_phase'], ['skip_downstream_trigger', 0],
];

const REJECTS: Record<EventType, Array<[string, unknown]>> = {
  table_updated: [
    ['event_type', 'run_requested'], ['processor_name', 'nobody'], ['phase', 'no_such_phase'], ['execution_id', 1], ['asset', 'nba_analytics.nothing'],
    ['output_table', 1], ['output_dataset', 2], ['version', 0], ['version', -1], ['version', 1.5], ['version', '3'],
    ['changed_entities', { player: [1] }], ['changed_entities', ['lebronjames']], ['status', 'done'], ['record_count', -1], ['record_count', 2.5],
    ['records_failed', -1], ['records_failed', null], ['error_message', 1], ['error_type', false], ['trigger_source', 'cron'],
    ['metadata', {}], ['metadata', { origin: 'elsewhere' }], ['metadata', 'engine'],
  ],
  run_requested: [
    ['event_type', 'table_updated'], ['processor_name', 'nobody'], ['processor_name', null], ['scope', { kind: 'galaxy', ids: [] }], ['scope', { kind: 'team' }],
    ['scope', { ids: ['LAL'] }], ['scope', 'all'], ['reason', 'whim'], ['source', 1], ['stage', { name: 'precompute', epoch: 2, level: 0 }],
    ['stage', { name: 'precompute', epoch: 1.5, level: 1 }], ['stage', { epoch: 2, level: 1 }], ['stage', { name: 'precompute', level: 1 }],
    ['stage', { name: 'precompute', epoch: 2 }], ['force', 'yes'], ['only_if_not_done', 1], ['trigger_source', 'cron'], ['metadata', 'x'],
  ],
  task_requested: [
    ['event_type', 'table_updated'], ['processor_name', 'team_defense_zone_analysis'], ['execution_id', null], ['entity', 'galaxy'], ['entity_ids', 'lebronjames'],
    ['entity_ids', [23]], ['round', -1], ['round', 0.5], ['metadata', []],
  ],
};

/** Boundary values the contract must still accept. */
const ACCEPTS: Record<EventType, Array<[string, unknown]>> = {
  table_updated: [['version', 1], ['version', null], ['record_count', 0], ['record_count', null], ['records_failed', 0], ['changed_entities', null], ['processor_name', null], ['phase', null], ['execution_id', null], ['output_dataset', null]],
  run_requested: [['stage', { name: 'precompute', epoch: 0, level: 1 }], ['stage', null], ['scope', null], ['stop_after', 'precompute'], ['stop_after', null]],
  task_requested: [['round', 0], ['round', 3], ['entity_ids', []]],
};

describe('message contracts: what they reject', () => {
  it('has a reject table for every contract the plan defines', () => {
    assert.deepEqual(messageContracts(plan).map((c) => c.eventType).sort(), Object.keys(REJECTS).sort());
  });

  for (const c of messageContracts(plan)) {
    describe(c.eventType, () => {
      it('accepts the message the engine publishes', () => {
        assert.deepEqual(validator.validate(c.eventType, wire(c.eventType)), { ok: true });
      });

      it('gives every field a value it refuses', () => {
        const tested = new Set([...COMMON_REJECTS, ...REJECTS[c.eventType]].map(([f]) => f));
        assert.deepEqual(Object.keys(c.schema.properties).filter((f) => !tested.has(f)), []);
      });

      for (const [field, value] of [...COMMON_REJECTS, ...REJECTS[c.eventType]]) {
        it(`rejects ${field} = ${JSON.stringify(value)}, naming the field`, () => {
          const r = check(c.eventType, { [field]: value });
          assert.equal(r.ok, false, `${field} = ${JSON.stringify(value)} was accepted`);
          assert.ok((r as { reason: string }).reason.includes(field), (r as { reason: string }).reason);
        });
      }

      it('requires every field it defines (toWire always sends them all)', () => {
        for (const field of Object.keys(c.schema.properties)) {
          const data = wire(c.eventType);
          delete data[field];
          const r = validator.validate(c.eventType, data);
          assert.equal(r.ok, false, `accepted without ${field}`);
          assert.match((r as { reason: string }).reason, new RegExp(`missing "${field}"`));
        }
      });

      for (const [field, value] of ACCEPTS[c.eventType]) {
        it(`accepts ${field} = ${JSON.stringify(value)}`, () => {
          assert.deepEqual(check(c.eventType, { [field]: value }), { ok: true });
        });
      }
    });
  }
});
