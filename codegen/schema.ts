// schema/pipeline.schema.json: the spec language's JSON Schema (engine/spec/schema.ts) for editors —
// pipeline.yaml's first line points the YAML language server at it. It does not depend on the plan.
import { PIPELINE_SCHEMA } from '../engine/spec/schema.js';
import { jsonSchemaFile } from './formats.js';

export const PIPELINE_SCHEMA_PATH = 'schema/pipeline.schema.json';

export function schemaFiles(): Record<string, string> {
  return { [PIPELINE_SCHEMA_PATH]: jsonSchemaFile(PIPELINE_SCHEMA) };
}
