// The validator of the spec schema (schema.ts). From the sources, ajv compiles it on first use (about a
// quarter of a second); `npm run build` replaces this module in dist/ with ajv's standalone code for
// the same schema and options (scripts/build.mjs), so the compiled CLI neither loads ajv nor compiles
// the schema at each start. Both answer the same errors: tests/process/compiled-build.test.ts checks.
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { PIPELINE_SCHEMA } from './schema.js';

// verbose: errors carry their parent schema (allowed keys for did-you-mean, descriptions for hints).
export const SCHEMA_VALIDATOR_OPTIONS: Options = { allErrors: true, strict: false, verbose: true };

let validator: ValidateFunction | undefined;

export function schemaValidator(): ValidateFunction {
  validator ??= new Ajv2020(SCHEMA_VALIDATOR_OPTIONS).compile(PIPELINE_SCHEMA);
  return validator;
}
