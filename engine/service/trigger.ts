// POST /trigger: run a processor, evaluate a gate or fire a stage for a date or a range, by hand.
// The body is checked by a JSON Schema (fastify's ajv, no coercion), then against the spec.
import { dateRange, isDate } from '../core/dates.js';
import type { Scope } from '../core/types.js';
import type { Engine } from '../runtime/engine.js';
import { evaluateGateNow, fireStageNow } from '../runtime/follow-ups.js';
import { HttpError } from './http.js';

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const NAME = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const TRIGGER_BODY = {
  type: 'object',
  properties: {
    processor: NAME, gate: NAME, stage: NAME,
    date: DATE, from: DATE, to: DATE,
    scope: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['kind', 'ids'], additionalProperties: false, properties: { kind: NAME, ids: { type: 'array', maxItems: 10_000, items: NAME } } },
      ],
    },
    backfill: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 }, stop_after: NAME } },
    force: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

interface TriggerBody {
  processor?: string; gate?: string; stage?: string;
  date?: string; from?: string; to?: string;
  scope?: Scope | null;
  backfill?: { reason?: string; stop_after?: string };
  force?: boolean;
}

export async function trigger(engine: Engine, body: unknown): Promise<{ accepted: number; results: unknown[] }> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object: {"processor" | "gate" | "stage": NAME, "date": "YYYY-MM-DD"}');
  const plan = engine.plan;
  const b = body as TriggerBody;
  const given = (['processor', 'gate', 'stage'] as const).filter((k) => b[k] !== undefined);
  if (given.length !== 1) throw new HttpError(400, 'give exactly one of "processor", "gate" or "stage" (a name from the spec)');
  const target = given[0]!;
  const name = b[target]!;
  const known = target === 'processor' ? plan.processors.has(name) : target === 'gate' ? plan.gates.has(name) : plan.stages.has(name);
  if (!known) throw new HttpError(404, `unknown ${target} ${name}`);
  const from = b.date ?? b.from ?? '';
  const to = b.to ?? from;
  if (!isDate(from) || !isDate(to) || to < from) throw new HttpError(400, 'give "date": "YYYY-MM-DD", or "from" and "to" with to ≥ from');
  const dates = dateRange(from, to);
  if (dates.length > 366) throw new HttpError(400, 'at most 366 dates per trigger');
  const bf = b.backfill;
  if (bf?.stop_after !== undefined && !plan.phaseByName.has(bf.stop_after)) throw new HttpError(400, `backfill.stop_after must be a phase: ${[...plan.phaseByName.keys()].join(', ')}`);
  const backfill = bf ? { mode: true as const, reason: bf.reason ?? 'manual backfill', ...(bf.stop_after ? { stopAfter: bf.stop_after } : {}) } : null;
  const scope = b.scope ?? null;
  const results: unknown[] = [];
  for (const d of dates) {
    if (target === 'processor') {
      const r = engine.request(name, d, { reason: 'manual', source: 'http', scope, backfill, force: b.force === true });
      await engine.publishRequest(r);
      results.push({ date: d, correlationId: r.correlationId });
    } else if (target === 'gate') {
      const g = await evaluateGateNow(engine, plan.gates.get(name)!, d, backfill);
      results.push({ date: d, gate: g.kind, reasons: g.reasons });
    } else {
      const epoch = await fireStageNow(engine, name, d, { correlationId: engine.newId(), parents: [] }, backfill);
      results.push({ date: d, stage: name, epoch });
    }
  }
  return { accepted: results.length, results };
}
