// Validation of everything the publishers write against the JSON Schemas in ./schemas (draft
// 2020-12; common.schema.json holds the shared definitions). A shape bug fails the run for good
// (retrying cannot fix it) before anything is written.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { NonRetryableError } from 'pipeline/processor';

/** Published kind → its schema file. */
export const SCHEMAS = {
  predictions: 'predictions.schema.json',
  'tonight-all-players': 'tonight-all-players.schema.json',
  player: 'player.schema.json',
  'best-bets': 'best-bets.schema.json',
  results: 'results.schema.json',
  'doc-predictions-daily': 'doc-predictions-daily.schema.json',
  'doc-game': 'doc-game.schema.json',
  'doc-player': 'doc-player.schema.json',
} as const;

export type PublishedKind = keyof typeof SCHEMAS;

export class PublishedShapeError extends NonRetryableError {
  override name = 'PublishedShapeError';
}

const schemaJson = (file: string) => JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let validators: Map<PublishedKind, ValidateFunction> | undefined;

function compiled(): Map<PublishedKind, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addSchema(schemaJson('common.schema.json'));
  validators = new Map((Object.keys(SCHEMAS) as PublishedKind[]).map((k) => [k, ajv.compile(schemaJson(SCHEMAS[k]))] as const));
  return validators;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  if (e.keyword === 'additionalProperties') return `${where} has unexpected property ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === 'required') return `${where} is missing ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** The schema errors of `data` as `kind` (empty when valid). */
export function publishedErrors(kind: PublishedKind, data: unknown): string[] {
  const v = compiled().get(kind);
  if (!v) throw new Error(`no schema for published kind ${kind}`);
  return v(data) ? [] : (v.errors ?? []).slice(0, 10).map(describe);
}

/** Throws PublishedShapeError (non-retryable) when `data` does not match the schema of `kind`. */
export function validatePublished(kind: PublishedKind, data: unknown, where: string = kind): void {
  const errors = publishedErrors(kind, data);
  if (errors.length) throw new PublishedShapeError(`${where} does not match ${SCHEMAS[kind]}: ${errors.join('; ')}`);
}
