// The Terraform module (infra/terraform/*.tf.json), one file per resource family. All files form one
// module: every `${...}` reference resolves to a resource, data source, variable or local in it.
import type { Plan } from '../../engine/spec/plan.js';
import { jsonFile } from '../formats.js';
import { bigQueryDoc } from './bigquery.js';
import { cloudRunDoc } from './cloudrun.js';
import { firestoreDoc } from './firestore.js';
import { monitoringDoc } from './monitoring.js';
import { pubsubDoc } from './pubsub.js';
import { schedulerDoc } from './scheduler.js';
import { storageDoc } from './storage.js';
import type { TfDoc } from './syntax.js';
import { variablesDoc } from './variables.js';

export const TERRAFORM_DIR = 'infra/terraform';

const FILES: Readonly<Record<string, (plan: Plan) => TfDoc>> = {
  variables: variablesDoc,
  pubsub: pubsubDoc,
  cloudrun: cloudRunDoc,
  scheduler: schedulerDoc,
  bigquery: bigQueryDoc,
  storage: storageDoc,
  firestore: firestoreDoc,
  monitoring: monitoringDoc,
};

/** The module's documents by file name, as plain JSON (for tests and the file map alike). */
export function terraformModule(plan: Plan): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(FILES).map(([name, build]) => [`${TERRAFORM_DIR}/${name}.tf.json`, build(plan).toJSON()]));
}

export function terraformFiles(plan: Plan): Record<string, string> {
  return Object.fromEntries(Object.entries(terraformModule(plan)).map(([file, doc]) => [file, jsonFile(doc)]));
}
