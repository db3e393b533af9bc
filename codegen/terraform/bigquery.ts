// bigquery.tf.json: datasets and tables of the spec (schema from the columns, day partitioning on
// the partition column, clustering on key and entity columns), the execution log, and the service's
// access: dataEditor on datasets it writes, dataViewer on those it only reads (dataset-level), and
// jobUser on the project, the only level at which BigQuery grants the right to run queries and loads.
import {
  API_TYPES, datasetsOf, executionLogTable, EXECUTION_LOG, ownedTables, tableLabels, type BigQueryTable,
} from '../../engine/infra/bigquery-schema.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, comment, literal, ref, TfDoc, tfName, value } from './syntax.js';

export const datasetName = (dataset: string) => tfName(dataset);
export const tableName = (t: BigQueryTable) => tfName(`${t.dataset}__${t.table}`);

function tableSchema(t: BigQueryTable): string {
  return literal(JSON.stringify(t.columns.map((c) => ({ name: c.name, type: API_TYPES[c.type], mode: c.mode, ...(c.description ? { description: c.description } : {}) }))));
}

function tableResource(t: BigQueryTable): Record<string, unknown> {
  return {
    dataset_id: ref(`google_bigquery_dataset.${datasetName(t.dataset)}`, 'dataset_id'),
    table_id: t.table,
    ...(t.description ? { description: literal(t.description) } : {}),
    labels: t.labels,
    deletion_protection: true,
    schema: tableSchema(t),
    time_partitioning: { type: 'DAY', field: t.partitionColumn },
    ...(t.clustering.length ? { clustering: [...t.clustering] } : {}),
  };
}

export function bigQueryDoc(plan: Plan): TfDoc {
  const doc = new TfDoc();
  const datasets = datasetsOf(plan);
  const log = executionLogTable(plan);
  const managed = [...[...datasets].filter(([, d]) => d.owned).map(([n]) => n), EXECUTION_LOG.dataset];
  for (const ds of managed) {
    doc.resource('google_bigquery_dataset', datasetName(ds), {
      dataset_id: ds, location: value(ADDR.region), labels: tableLabels(plan, ds), delete_contents_on_destroy: false,
      ...(ds === EXECUTION_LOG.dataset ? { description: 'The engine\'s execution log.' } : {}),
    });
  }
  for (const t of [...ownedTables(plan), log]) doc.resource('google_bigquery_table', tableName(t), tableResource(t));
  for (const [ds, d] of [...datasets, [EXECUTION_LOG.dataset, { written: true, owned: true }] as const]) {
    doc.resource('google_bigquery_dataset_iam_member', `${datasetName(ds)}_service_${d.written ? 'editor' : 'viewer'}`, {
      dataset_id: d.owned ? ref(`google_bigquery_dataset.${datasetName(ds)}`, 'dataset_id') : ds,
      role: d.written ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer',
      member: value(ADDR.serviceMember),
    });
  }
  doc.resource('google_project_iam_member', 'service_bigquery_job_user', {
    ...comment('Project-level on purpose: BigQuery jobs (queries, loads, MERGE) are created in a project; data access stays dataset-level.'),
    project: value(ADDR.project), role: 'roles/bigquery.jobUser', member: value(ADDR.serviceMember),
  });
  return doc;
}
