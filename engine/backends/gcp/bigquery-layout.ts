// How a TablePlan becomes a BigQuery table at run time: dataset and table ids (with the dataset
// prefix), the schema, DAY time partitioning on the partition column, clustering, the staging table's
// schema, identifier quoting and query-parameter types. Types, modes and clustering rules are
// codegen's (infra/bigquery-schema.ts), and the columns the local layout's (../row-values.ts): the
// partition column is added first when the table does not declare it (a DATE), the key led by it.
import { clusterColumns, columnMode, SQL_TYPES } from '../../infra/bigquery-schema.js';
import type { ColumnPlan, TablePlan } from '../../spec/plan.js';
import { storedColumns } from '../row-values.js';

export interface SchemaField {
  name: string;
  type: string;
  mode: 'REQUIRED' | 'NULLABLE';
  description?: string;
}

export interface BqLayout {
  ref: string;
  projectId: string;
  datasetId: string;
  tableId: string;
  /** `` `project.dataset.table` `` */
  sql: string;
  columns: ColumnPlan[];
  partitionColumn: ColumnPlan;
  key: string[];
  /** DAY partitioning on the partition column (only a DATE or TIMESTAMP column can be). */
  timePartitioned: boolean;
  clustering: string[];
}

/** A backtick-quoted identifier (BigQuery names allow letters, digits, _ and -; reject the rest). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`"${name}" is not a valid BigQuery column or table name`);
  return `\`${name}\``;
}

export function tableSql(projectId: string, datasetId: string, tableId: string): string {
  for (const part of [datasetId, tableId]) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new Error(`"${part}" is not a valid BigQuery dataset or table id`);
  }
  return `\`${projectId}.${datasetId}.${tableId}\``;
}

export function bqLayout(table: TablePlan, partitionKey: string, projectId: string, datasetPrefix = ''): BqLayout {
  const { columns, partitionColumn, key } = storedColumns(table, partitionKey);
  for (const k of key) {
    if (columns.find((c) => c.name === k)!.type === 'json') throw new Error(`table ${table.ref}: key column "${k}" cannot be json in BigQuery (JSON values are not comparable)`);
  }
  const timePartitioned = partitionColumn.type === 'date' || partitionColumn.type === 'timestamp';
  // The partition column clusters only a table that is not partitioned by it.
  const clustering = clusterColumns([...key.filter((k) => k !== partitionKey || !timePartitioned), ...Object.values(table.entities)], columns);
  const datasetId = `${datasetPrefix}${table.dataset}`;
  return {
    ref: table.ref,
    projectId,
    datasetId,
    tableId: table.name,
    sql: tableSql(projectId, datasetId, table.name),
    columns,
    partitionColumn,
    key,
    timePartitioned,
    clustering,
  };
}

/** The table's schema: key and non-nullable columns REQUIRED. */
export function schemaFields(layout: BqLayout): SchemaField[] {
  return layout.columns.map((c) => {
    const f: SchemaField = { name: c.name, type: SQL_TYPES[c.type], mode: columnMode(c, layout.key) };
    if (c.description) f.description = c.description;
    return f;
  });
}

/**
 * The staging table's schema: the same columns, all NULLABLE (rows were checked before loading),
 * JSON columns as STRING holding JSON text — the MERGE parses them, so what a JSON value means never
 * depends on how a load job reads a JSON column.
 */
export function stagingFields(layout: BqLayout): SchemaField[] {
  return layout.columns.map((c) => ({ name: c.name, type: c.type === 'json' ? 'STRING' : SQL_TYPES[c.type], mode: 'NULLABLE' }));
}

/** The tables.insert body of a plan table. */
export function tableResource(layout: BqLayout, description?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    tableReference: { projectId: layout.projectId, datasetId: layout.datasetId, tableId: layout.tableId },
    schema: { fields: schemaFields(layout) },
  };
  if (description) body.description = description;
  if (layout.timePartitioned) body.timePartitioning = { type: 'DAY', field: layout.partitionColumn.name };
  if (layout.clustering.length) body.clustering = { fields: layout.clustering };
  return body;
}

/** A scalar query parameter typed like the column. */
export function scalarParam(name: string, column: ColumnPlan, value: string): Record<string, unknown> {
  return { name, parameterType: { type: SQL_TYPES[column.type] }, parameterValue: { value } };
}

export function arrayParam(name: string, type: string, values: string[]): Record<string, unknown> {
  return { name, parameterType: { type: 'ARRAY', arrayType: { type } }, parameterValue: { arrayValues: values.map((value) => ({ value })) } };
}

/** `T.col` as STRING, for comparing with entity ids (which travel as strings). */
export function asString(layout: BqLayout, column: string, alias: string): string {
  const col = layout.columns.find((c) => c.name === column);
  if (!col) throw new Error(`table ${layout.ref} has no column "${column}" to filter entities by`);
  const ref = `${alias}${ident(column)}`;
  if (col.type === 'string') return ref;
  if (col.type === 'json') return `TO_JSON_STRING(${ref})`;
  return `CAST(${ref} AS STRING)`;
}
