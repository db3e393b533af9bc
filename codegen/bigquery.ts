// infra/bigquery/*.sql: BigQuery DDL, one file per dataset plus the execution log. Idempotent
// (CREATE ... IF NOT EXISTS), for `bq query` when Terraform is not used; the same table layouts as
// the Terraform module (engine/infra/bigquery-schema.ts).
import {
  datasetsOf, executionLogTable, EXECUTION_LOG, ownedTables, SQL_TYPES, tableLabels, type BigQueryTable,
} from '../engine/infra/bigquery-schema.js';
import type { Plan } from '../engine/spec/plan.js';
import { sqlFile } from './formats.js';

export const BIGQUERY_DIR = 'infra/bigquery';

/** A GoogleSQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export const ident = (name: string) => `\`${name.replace(/`/g, '')}\``;

const labelsOption = (labels: Readonly<Record<string, string>>) => `labels = [${Object.entries(labels).map(([k, v]) => `(${sqlString(k)}, ${sqlString(v)})`).join(', ')}]`;

function options(entries: (string | undefined)[]): string {
  const list = entries.filter((e): e is string => !!e);
  return `OPTIONS (\n  ${list.join(',\n  ')}\n)`;
}

export function createTableSql(t: BigQueryTable): string {
  const cols = t.columns.map((c) => {
    return `  ${ident(c.name)} ${SQL_TYPES[c.type]}${c.mode === 'REQUIRED' ? ' NOT NULL' : ''}${c.description ? ` OPTIONS (description = ${sqlString(c.description)})` : ''}`;
  });
  const partitionType = t.columns.find((c) => c.name === t.partitionColumn)?.type;
  const partition = partitionType === 'timestamp' ? `DATE(${ident(t.partitionColumn)})` : ident(t.partitionColumn);
  return [
    `CREATE TABLE IF NOT EXISTS ${ident(`${t.dataset}.${t.table}`)} (`,
    cols.join(',\n'),
    ')',
    `PARTITION BY ${partition}`,
    ...(t.clustering.length ? [`CLUSTER BY ${t.clustering.map(ident).join(', ')}`] : []),
    `${options([t.description ? `description = ${sqlString(t.description)}` : undefined, labelsOption(t.labels)])};`,
  ].join('\n');
}

function createSchemaSql(plan: Plan, dataset: string, description?: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${ident(dataset)}\n${options([description ? `description = ${sqlString(description)}` : undefined, labelsOption(tableLabels(plan, dataset))])};`;
}

function datasetFile(plan: Plan, dataset: string, description: string | undefined, tables: BigQueryTable[]): string {
  return sqlFile([
    `-- Dataset ${dataset} of pipeline ${plan.name}. Apply: bq query --location=REGION --use_legacy_sql=false < ${BIGQUERY_DIR}/${dataset}.sql`,
    '',
    createSchemaSql(plan, dataset, description),
    ...tables.flatMap((t) => ['', createTableSql(t)]),
  ].join('\n'));
}

export function bigQueryFiles(plan: Plan): Record<string, string> {
  const files: Record<string, string> = {};
  const tables = ownedTables(plan);
  for (const [ds, d] of datasetsOf(plan)) {
    if (!d.owned) continue;
    files[`${BIGQUERY_DIR}/${ds}.sql`] = datasetFile(plan, ds, undefined, tables.filter((t) => t.dataset === ds));
  }
  files[`${BIGQUERY_DIR}/${EXECUTION_LOG.dataset}.sql`] = datasetFile(plan, EXECUTION_LOG.dataset, 'The engine\'s execution log.', [executionLogTable(plan)]);
  return files;
}
