// Message contracts rendered as files: contracts/{event_type}.schema.json. The contracts themselves
// are derived from the Plan in engine/infra/message-contracts.ts (the service validates pushes with
// the same derivation, so a running engine never disagrees with its own spec).
import type { Plan } from '../engine/spec/plan.js';
import { messageContracts, messageSchema } from '../engine/infra/message-contracts.js';
import { jsonSchemaFile } from './formats.js';

export { messageContracts, messageSchema, type EventType, type MessageContract } from '../engine/infra/message-contracts.js';

export const schemaPath = (eventType: string) => `contracts/${eventType}.schema.json`;

export function messageSchemaFiles(plan: Plan): Record<string, string> {
  return Object.fromEntries(messageContracts(plan).map((c) => [schemaPath(c.eventType), jsonSchemaFile(messageSchema(plan, c))]));
}
