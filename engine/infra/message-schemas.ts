// Validation of engine messages against the generated JSON Schemas (contracts/{event_type}.schema.json),
// for the service to check pushes before normalizing them: a message that breaks the contract gets
// a precise reason (and goes to the DLQ) instead of failing somewhere inside the engine.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Plan } from '../spec/plan.js';
import { messageContracts, messageSchema } from './message-contracts.js';

export type Validation = { ok: true } | { ok: false; reason: string };

/** contracts/ at the repository root. */
export const CONTRACTS_DIR = fileURLToPath(new URL('../../contracts/', import.meta.url));

const SUFFIX = '.schema.json';

export interface MessageValidator {
  readonly eventTypes: readonly string[];
  validate(eventType: string, data: unknown): Validation;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'message';
  if (e.keyword === 'required') return `${where} is missing ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Compile the schemas of a folder (one `{event_type}.schema.json` each). */
export function loadMessageValidator(dir = CONTRACTS_DIR): MessageValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(SUFFIX)).sort()) {
    validators.set(f.slice(0, -SUFFIX.length), ajv.compile(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
  }
  return validatorOf(validators);
}

function validatorOf(validators: Map<string, ValidateFunction>): MessageValidator {
  return {
    eventTypes: [...validators.keys()],
    validate(eventType, data) {
      const v = validators.get(eventType);
      if (!v) return { ok: false, reason: `unknown event_type ${JSON.stringify(eventType)} (expected ${[...validators.keys()].join(', ')})` };
      if (v(data)) return { ok: true };
      // The anyOf branches repeat each other's errors; the first few distinct ones say enough.
      const reasons = [...new Set((v.errors ?? []).filter((e) => e.keyword !== 'anyOf').map(describe))];
      return { ok: false, reason: `${eventType} message breaks the contract: ${reasons.slice(0, 5).join('; ')}` };
    },
  };
}

/** A validator built from the running plan itself (the same derivation codegen writes to contracts/). */
export function messageValidatorFor(plan: Plan): MessageValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>(messageContracts(plan).map((c) => [c.eventType, ajv.compile(messageSchema(plan, c))] as const));
  return validatorOf(validators);
}

let defaultValidator: MessageValidator | undefined;

/** Validate a message body against the contract of its event type (schemas loaded once). */
export function validateMessage(eventType: string, data: unknown): Validation {
  defaultValidator ??= loadMessageValidator();
  return defaultValidator.validate(eventType, data);
}
