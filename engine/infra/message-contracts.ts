// The message contract (ARCHITECTURE.md §6) as data, derived from the Plan: for each event type, the fields `toWire`
// (engine/core/messages.ts) puts on the wire, each with its JSON Schema. The JSON Schemas
// (contracts/*.schema.json, used to validate pushes) and the TypeScript message types
// (generated/contracts.ts beside the spec) are both rendered from it; a test checks `toWire` against it.
import type { RequestReason } from '../core/types.js';
import type { Plan } from '../spec/plan.js';
type JsonSchema = Record<string, unknown>;

export type EventType = 'table_updated' | 'run_requested' | 'task_requested';

export interface MessageContract {
  readonly eventType: EventType;
  /** TypeScript type name. */
  readonly typeName: string;
  readonly description: string;
  readonly schema: JsonSchema & { properties: Record<string, JsonSchema>; required: string[] };
}

/** A list that names every member of the union T (a compile error otherwise). */
const every = <T extends string>() => <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;

const REQUEST_REASONS = every<RequestReason>()(['gate', 'stage', 'schedule', 'manual', 'rerun', 'replay', 'straggler']);
const STATUSES = ['success', 'no_data', 'partial', 'failed'] as const;
const ORIGINS = ['engine', 'unified', 'legacy', 'gcs'] as const;
const TRIGGER_SOURCES = ['pubsub', 'scheduler', 'manual'] as const;

const str = (description: string, extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }], description: s.description });
const oneOf = (description: string, values: readonly string[]): JsonSchema =>
  values.length ? { type: 'string', enum: [...values], description } : { type: 'string', not: {}, description: `${description} (none in this pipeline: no value is valid)` };
const stringList = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });

function contract(eventType: EventType, typeName: string, description: string, properties: Record<string, JsonSchema>): MessageContract {
  return { eventType, typeName, description, schema: { type: 'object', properties, required: Object.keys(properties) } };
}

export function messageContracts(plan: Plan): MessageContract[] {
  const processors = [...plan.processors.keys()].sort();
  const phases = plan.phases.map((p) => p.name);
  const entities = [...plan.entities].sort();
  const date = (d: string) => str(d, { format: 'date' });
  const common: Record<string, JsonSchema> = {
    partition: date('The partition (YYYY-MM-DD).'),
    ...(plan.partition.key !== 'partition' ? { [plan.partition.key]: date(`The partition again, under the spec's partition key (${plan.partition.key}).`) } : {}),
    correlation_id: str('The phase-1 run this update started from: traces any output back to its source runs.'),
    parents: stringList('Execution ids of the runs this one descends from.'),
    timestamp: str('When the event was emitted (ISO 8601, UTC).', { format: 'date-time' }),
    backfill_mode: { type: 'boolean', description: 'Part of a backfill.' },
    backfill_reason: nullable(str('Why the backfill runs.')),
    stop_after: nullable(oneOf('Last phase of a backfill: nothing past it is triggered.', phases)),
    skip_downstream_trigger: { type: 'boolean', description: 'Always false: downstream triggering is governed by stop_after.' },
  };
  const withType = (t: EventType, fields: Record<string, JsonSchema>) => ({ event_type: { const: t, description: 'The event type.' }, ...common, ...fields });
  const fanOut = processors.filter((n) => plan.processors.get(n)!.fanOut);
  return [
    contract('table_updated', 'TableUpdatedMessage', 'A processor wrote a new version of an asset partition (or another system reported an update).', withType('table_updated', {
      processor_name: nullable(oneOf('The processor that wrote it.', processors)),
      phase: nullable(oneOf('The phase of that processor.', phases)),
      execution_id: nullable(str('The run that wrote it.')),
      asset: oneOf('The asset: `dataset.table`, `objects/NAME` or `documents/NAME`.', [...plan.assets.keys()].sort()),
      output_table: str('The table name (or collection name).'),
      output_dataset: nullable(str('The dataset (null for collections).')),
      version: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }], description: 'The new partition version (null for external reports).' },
      changed_entities: { anyOf: [{ type: 'object', additionalProperties: stringList('Ids.') }, { type: 'null' }], description: 'Entity kind → ids whose rows changed; null = unknown (everything).' },
      status: oneOf('Outcome of the run.', STATUSES),
      record_count: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], description: 'Rows in the partition after the write.' },
      records_failed: { type: 'integer', minimum: 0, description: 'Rows that failed (always 0: a failed row fails the run).' },
      error_message: nullable(str('Error message.')),
      error_type: nullable(str('Error name.')),
      trigger_source: oneOf('What triggered the run.', TRIGGER_SOURCES),
      metadata: { type: 'object', properties: { origin: oneOf('Where the update came from.', ORIGINS) }, required: ['origin'], description: 'Engine details.' },
    })),
    contract('run_requested', 'RunRequestedMessage', 'A gate, stage level, schedule or person asks for a processor run.', withType('run_requested', {
      processor_name: oneOf('The processor to run.', processors),
      scope: {
        anyOf: [{ type: 'object', properties: { kind: oneOf('Entity kind.', entities), ids: stringList('Entity ids.') }, required: ['kind', 'ids'] }, { type: 'null' }],
        description: 'The entities to run for; null = the whole partition.',
      },
      reason: oneOf('Why the run is requested.', REQUEST_REASONS),
      source: str('Name of the gate, stage, schedule or person behind the request.'),
      stage: {
        anyOf: [{ type: 'object', properties: { name: str('Stage.'), epoch: { type: 'integer' }, level: { type: 'integer', minimum: 1 } }, required: ['name', 'epoch', 'level'] }, { type: 'null' }],
        description: 'The stage level this run belongs to.',
      },
      force: { type: 'boolean', description: 'Skip the duplicate check.' },
      only_if_not_done: { type: 'boolean', description: 'Skip when the processor already ran for the current inputs (schedules, resumable backfills).' },
      trigger_source: oneOf('What asked for the run.', TRIGGER_SOURCES),
      metadata: { type: 'object', description: 'Engine details.' },
    })),
    contract('task_requested', 'TaskRequestedMessage', 'One per-entity task of a fan-out run.', withType('task_requested', {
      processor_name: oneOf('The fan-out processor.', fanOut),
      execution_id: str('The fan-out run.'),
      entity: oneOf('Entity kind of the task.', entities),
      entity_ids: stringList('The entities this task covers (one batch of the fan-out).'),
      round: { type: 'integer', minimum: 0, description: 'Task attempt round (straggler retries bump it).' },
      metadata: { type: 'object', description: 'Engine details.' },
    })),
  ];
}

export function messageSchema(plan: Plan, c: MessageContract): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: c.typeName,
    description: `${c.description} Pipeline ${plan.name}. Unknown fields are allowed (newer engines may add some).`,
    ...c.schema,
  };
}
