// The message contract: what `toWire` publishes validates against the generated JSON Schemas, field
// for field (no field on the wire the contract lacks, none in the contract the wire lacks), and
// `validateMessage` rejects a broken message with a reason naming the field.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { messageContracts, messageSchemaFiles } from '../../codegen/messages.js';
import { PIPELINE_SCHEMA_PATH, schemaFiles } from '../../codegen/schema.js';
import { GENERATED } from '../../codegen/formats.js';
import { toWire } from '../../engine/core/messages.js';
import type { EngineEvent } from '../../engine/core/types.js';
import { loadMessageValidator, validateMessage } from '../../engine/infra/message-schemas.js';
import { PIPELINE_SCHEMA } from '../../engine/spec/schema.js';
import type { Plan } from '../../engine/spec/plan.js';
import { modifiedPlan, nbaPlan, tempDir } from './helpers.js';

const T = Date.UTC(2025, 10, 15, 12);

function events(plan: Plan): EngineEvent[] {
  const fanOut = [...plan.processors.values()].find((p) => p.fanOut);
  return [
    {
      type: 'asset_updated', asset: 'nba_analytics.player_game_summary', partition: '2025-11-15', version: 3, changedEntities: { player: ['lebronjames'] },
      rows: 240, executionId: 'exec-1', processor: 'player_game_summary', status: 'success', backfill: null, emittedAt: T, origin: 'engine',
      correlationId: 'corr-1', parents: ['exec-0'],
    },
    {
      type: 'asset_updated', asset: 'objects/nbac_schedule', partition: '2025-11-15', changedEntities: null, status: 'success',
      backfill: { mode: true, reason: 'reload', stopAfter: 'raw' }, emittedAt: T, origin: 'gcs', correlationId: 'gcs-x', parents: [],
    },
    {
      type: 'run_requested', processor: 'team_defense_zone_analysis', partition: '2025-11-15', scope: { kind: 'team', ids: ['LAL'] }, reason: 'stage',
      source: 'precompute', stage: { name: 'precompute', epoch: 2, level: 1 }, backfill: null, emittedAt: T, correlationId: 'corr-1', parents: ['exec-1'],
    },
    {
      type: 'run_requested', processor: 'scrape_nbac_schedule', partition: '2025-11-15', scope: null, reason: 'schedule', source: 'schedule_morning',
      backfill: null, force: true, emittedAt: T, correlationId: 'sched-1', parents: [],
    },
    ...(fanOut ? [{
      type: 'task_requested' as const, processor: fanOut.name, partition: '2025-11-15', executionId: 'exec-9', entity: 'player', ids: ['lebronjames', 'stephencurry'], round: 1,
      backfill: null, emittedAt: T, correlationId: 'corr-1', parents: ['exec-9'],
    }] : []),
  ];
}

function validatorFor(plan: Plan) {
  const { dir, cleanup } = tempDir('codegen-contracts-');
  for (const [file, text] of Object.entries(messageSchemaFiles(plan))) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  try {
    return loadMessageValidator(path.join(dir, 'contracts'));
  } finally {
    cleanup();
  }
}

describe('message contract', () => {
  const fanOutPlan = nbaPlan();
  const noFanOutPlan = modifiedPlan([[['processors', 'player_points_predictions', 'fan_out'], undefined]]);

  it('knows the reference pipeline fans out (else the task contract goes untested)', () => {
    assert.ok([...fanOutPlan.processors.values()].some((p) => p.fanOut));
  });

  for (const plan of [fanOutPlan, noFanOutPlan]) {
    it(`matches toWire field for field and validates its output (${plan.processors.get('player_points_predictions')!.fanOut ? 'with' : 'without'} fan-out)`, () => {
      const contracts = new Map(messageContracts(plan).map((c) => [c.eventType, c]));
      const validator = validatorFor(plan);
      for (const e of events(plan)) {
        const { data, attributes } = toWire(plan, e);
        const c = contracts.get(attributes.event_type as never)!;
        assert.ok(c, attributes.event_type);
        assert.deepEqual(Object.keys(data).sort(), Object.keys(c.schema.properties).sort(), `${e.type}: wire fields = contract fields`);
        assert.deepEqual(validator.validate(String(data.event_type), JSON.parse(JSON.stringify(data))), { ok: true });
      }
    });
  }

  it('validates pushes with the committed schemas and explains rejections', () => {
    const { data } = toWire(nbaPlan(), events(nbaPlan())[0]!);
    assert.deepEqual(validateMessage('table_updated', data), { ok: true });
    const bad = { ...data, partition: '15/11/2025', status: 'done' } as Record<string, unknown>;
    delete bad.correlation_id;
    const r = validateMessage('table_updated', bad);
    assert.equal(r.ok, false);
    const reason = (r as { reason: string }).reason;
    assert.match(reason, /missing "correlation_id"/);
    assert.match(reason, /partition must match format "date"/);
    assert.match(reason, /status must be one of "success", "no_data", "partial", "failed"/);
    assert.match((validateMessage('table_updated', { ...data, processor_name: 'nobody' }) as { reason: string }).reason, /processor_name/);
    assert.match((validateMessage('nonsense', data) as { reason: string }).reason, /unknown event_type "nonsense"/);
  });

  it('accepts no task message when no processor fans out', () => {
    const r = validatorFor(noFanOutPlan).validate('task_requested', { ...toWire(fanOutPlan, events(fanOutPlan).at(-1)!).data });
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /processor_name/);
  });
});

describe('pipeline.schema.json', () => {
  it('is the spec schema with the generated header', () => {
    const written = JSON.parse(schemaFiles()[PIPELINE_SCHEMA_PATH]!);
    assert.equal(written.$comment, GENERATED);
    delete written.$comment;
    assert.deepEqual(written, JSON.parse(JSON.stringify(PIPELINE_SCHEMA)));
  });
});
