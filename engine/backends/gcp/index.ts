// The Google Cloud backends, wired from the plan and the environment: `openGcpBackends({plan, env})`
// is what `pipeline serve --backend gcp` (engine/service/start.ts) calls.
//
// Environment (all optional):
//   PIPELINE_PROJECT              project id (default: the spec's `project.id`)
//   PIPELINE_DATASET_PREFIX       prefix of every BigQuery dataset (e.g. `dev_` → `dev_sales`)
//   PIPELINE_BQ_LOCATION          BigQuery location (default: the spec's `project.region`)
//   PIPELINE_BUCKET_<ALIAS>       bucket name for the spec's bucket alias (upper-cased, non-alphanumerics
//                                 as `_`), e.g. PIPELINE_BUCKET_SCRAPED=my-test-bucket
//   PIPELINE_STATE_PREFIX         prefix of the Firestore collections (default `pipeline_`)
//   FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST   honoured by the clients
//   PIPELINE_BIGQUERY_ENDPOINT, PIPELINE_STORAGE_ENDPOINT   API endpoints (local fakes in tests)
// The Firestore client is shared by the state store and the document store; the clock is the
// system clock. `ensureTables(plan)` is the caller's (the service runs it at start).
import { Firestore } from '@google-cloud/firestore';
import { systemClock } from '../local/clock.js';
import { topologyOf } from '../../infra/topology.js';
import type { Backends } from '../../ports.js';
import type { Plan } from '../../spec/plan.js';
import { BigQueryWarehouse } from './bigquery-warehouse.js';
import { FirestoreDocumentStore } from './firestore-documents.js';
import { FirestoreStateStore } from './firestore-state.js';
import { GcsObjectStore } from './gcs-objects.js';
import { PubSubBus } from './pubsub-bus.js';

export { BigQueryWarehouse, type BigQueryWarehouseOptions } from './bigquery-warehouse.js';
export type { BigQueryCalls } from './bigquery-rest.js';
export { FirestoreDocumentStore, documentLocation } from './firestore-documents.js';
export { FirestoreStateStore, type FirestoreOps, type FirestoreStateOptions } from './firestore-state.js';
export { INDEX_EXEMPTIONS, REQUIRED_INDEXES, indexFor, type FirestoreIndex } from './firestore-query.js';
export { encodeId, decodeId } from './firestore-encoding.js';
export { GcsObjectStore, type GcsObjectOptions } from './gcs-objects.js';
export { PubSubBus, type PubSubBusOptions } from './pubsub-bus.js';
export { isRetryable, retryPolicy, type RetryPolicy } from './gcp-retry.js';

export interface GcpBackends extends Backends {
  kind: 'gcp';
  projectId: string;
  bus: PubSubBus;
  state: FirestoreStateStore;
  warehouse: BigQueryWarehouse;
  objects: GcsObjectStore;
  documents: FirestoreDocumentStore;
}

type Env = Record<string, string | undefined>;

/** Plan bucket name → bucket to use, with PIPELINE_BUCKET_<ALIAS> overrides applied. */
export function bucketNames(plan: Plan, env: Env): Map<string, string> {
  const out = new Map<string, string>();
  for (const [alias, name] of plan.buckets) {
    const override = env[`PIPELINE_BUCKET_${alias.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
    out.set(name, override || name);
  }
  return out;
}

export function projectIdOf(plan: Plan, env: Env): string {
  const projectId = env.PIPELINE_PROJECT || plan.project.id;
  if (!projectId) throw new Error('no Google Cloud project: set PIPELINE_PROJECT or `project.id` in the spec');
  return projectId;
}

export async function openGcpBackends(opts: { plan: Plan; env?: Env }): Promise<GcpBackends> {
  const { plan } = opts;
  const env = opts.env ?? process.env;
  const projectId = projectIdOf(plan, env);
  const firestore = new Firestore({ projectId });
  const prefix = env.PIPELINE_STATE_PREFIX ?? 'pipeline_';
  const bus = new PubSubBus({ projectId, topics: topologyOf(plan).topics.map((t) => t.name) });
  const state = new FirestoreStateStore({ firestore, prefix });
  const documents = new FirestoreDocumentStore({ firestore, prefix });
  const warehouse = new BigQueryWarehouse({
    projectId,
    partitionKey: plan.partition.key,
    location: env.PIPELINE_BQ_LOCATION || plan.project.region,
    datasetPrefix: env.PIPELINE_DATASET_PREFIX ?? '',
    ...(env.PIPELINE_BIGQUERY_ENDPOINT ? { apiEndpoint: env.PIPELINE_BIGQUERY_ENDPOINT } : {}),
  });
  const objects = new GcsObjectStore({
    projectId,
    buckets: bucketNames(plan, env),
    ...(env.PIPELINE_STORAGE_ENDPOINT ? { apiEndpoint: env.PIPELINE_STORAGE_ENDPOINT } : {}),
  });
  return {
    kind: 'gcp',
    projectId,
    bus,
    state,
    warehouse,
    objects,
    documents,
    clock: systemClock,
    async close() {
      const results = await Promise.allSettled([bus.close(), warehouse.close()]);
      await firestore.terminate();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
