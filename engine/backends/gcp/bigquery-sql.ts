// The SQL the warehouse runs, built in one place so tests can read it: the MERGE of a write (one
// statement per write, set-based by key), the DELETE of an empty replace, the rows-after count, the
// read of partitions, and partition stats from INFORMATION_SCHEMA. Every value travels as a named
// query parameter (@partition, @scope_ids, @partitions, @ids); only identifiers are spliced in, and
// those are checked and backtick-quoted.
import { SQL_TYPES } from '../../infra/bigquery-schema.js';
import { arrayParam, asString, ident, scalarParam, type BqLayout } from './bigquery-layout.js';
import type { Params } from './bigquery-rest.js';

export interface Statement {
  sql: string;
  params: Params;
}

/** The staging value of a column as the target's type (JSON is staged as text). */
function sourceValue(layout: BqLayout, name: string): string {
  const col = layout.columns.find((c) => c.name === name)!;
  return col.type === 'json' ? `PARSE_JSON(S.${ident(name)})` : `S.${ident(name)}`;
}

/** "T.col differs from the staged value", NULL-safe; JSON compared by its canonical text. */
function differs(layout: BqLayout, name: string): string {
  const col = layout.columns.find((c) => c.name === name)!;
  if (col.type === 'json') return `TO_JSON_STRING(T.${ident(name)}) IS DISTINCT FROM TO_JSON_STRING(${sourceValue(layout, name)})`;
  return `T.${ident(name)} IS DISTINCT FROM S.${ident(name)}`;
}

function scopeCondition(layout: BqLayout, scope: { column: string; ids: string[] } | undefined, alias: string): Statement | undefined {
  if (!scope) return undefined;
  return { sql: `${asString(layout, scope.column, alias)} IN UNNEST(@scope_ids)`, params: [arrayParam('scope_ids', 'STRING', scope.ids)] };
}

/**
 * One MERGE of the staged rows into the partition, matched by the table's key:
 *   - rows whose content differs are updated (unchanged rows are not rewritten),
 *   - new keys are inserted,
 *   - for `replace`, rows of the partition (of the scope's entities, for a scoped replace) that the
 *     staging lacks are deleted.
 * `T.partition = @partition` in ON lets BigQuery prune the target to one partition.
 */
export function mergeStatement(
  layout: BqLayout,
  staging: string,
  request: { partition: string; mode: 'replace' | 'upsert'; scope?: { column: string; ids: string[] } },
): Statement {
  const part = ident(layout.partitionColumn.name);
  const keyMatch = layout.key.map((k) => `T.${ident(k)} = S.${ident(k)}`).join(' AND ');
  const values = layout.columns.filter((c) => !layout.key.includes(c.name)).map((c) => c.name);
  const cols = layout.columns.map((c) => c.name);
  const params: Params = [scalarParam('partition', layout.partitionColumn, request.partition)];
  const lines = [`MERGE ${layout.sql} AS T`, `USING ${staging} AS S`, `ON T.${part} = @partition AND ${keyMatch}`];
  if (values.length) {
    lines.push(
      `WHEN MATCHED AND (${values.map((v) => differs(layout, v)).join(' OR ')}) THEN`,
      `  UPDATE SET ${values.map((v) => `${ident(v)} = ${sourceValue(layout, v)}`).join(', ')}`,
    );
  }
  lines.push(
    'WHEN NOT MATCHED BY TARGET THEN',
    `  INSERT (${cols.map(ident).join(', ')}) VALUES (${cols.map((c) => sourceValue(layout, c)).join(', ')})`,
  );
  if (request.mode === 'replace') {
    const scope = scopeCondition(layout, request.scope, 'T.');
    lines.push(`WHEN NOT MATCHED BY SOURCE AND T.${part} = @partition${scope ? ` AND ${scope.sql}` : ''} THEN`, '  DELETE');
    if (scope) params.push(...scope.params);
  }
  return { sql: lines.join('\n'), params };
}

/** An empty `replace`: the partition's (or the scope's) rows all go, in one statement. */
export function deleteStatement(layout: BqLayout, request: { partition: string; scope?: { column: string; ids: string[] } }): Statement {
  const scope = scopeCondition(layout, request.scope, '');
  return {
    sql: `DELETE FROM ${layout.sql} WHERE ${ident(layout.partitionColumn.name)} = @partition${scope ? ` AND ${scope.sql}` : ''}`,
    params: [scalarParam('partition', layout.partitionColumn, request.partition), ...(scope?.params ?? [])],
  };
}

export function countStatement(layout: BqLayout, partition: string): Statement {
  return {
    sql: `SELECT COUNT(*) AS n FROM ${layout.sql} WHERE ${ident(layout.partitionColumn.name)} = @partition`,
    params: [scalarParam('partition', layout.partitionColumn, partition)],
  };
}

export function readStatement(layout: BqLayout, query: { partitions: string[]; entities?: { column: string; ids: string[] } }): Statement {
  const conditions = [`${ident(layout.partitionColumn.name)} IN UNNEST(@partitions)`];
  const params: Params = [arrayParam('partitions', SQL_TYPES[layout.partitionColumn.type], query.partitions)];
  if (query.entities) {
    conditions.push(`${asString(layout, query.entities.column, '')} IN UNNEST(@ids)`);
    params.push(arrayParam('ids', 'STRING', query.entities.ids));
  }
  return {
    sql: `SELECT ${layout.columns.map((c) => ident(c.name)).join(', ')} FROM ${layout.sql} WHERE ${conditions.join(' AND ')} ORDER BY ${layout.key.map(ident).join(', ')}`,
    params,
  };
}

/**
 * Rows and last change of one partition. A DAY-partitioned table answers from
 * INFORMATION_SCHEMA.PARTITIONS (metadata: no table scan; partition_id is YYYYMMDD); a table that
 * is not time-partitioned on the partition column is counted.
 */
export function statsStatement(layout: BqLayout, partition: string): Statement {
  if (!layout.timePartitioned) {
    const c = countStatement(layout, partition);
    return { sql: c.sql.replace('COUNT(*) AS n', 'COUNT(*) AS total_rows, CAST(NULL AS TIMESTAMP) AS last_modified_time'), params: c.params };
  }
  const schema = `\`${layout.projectId}.${layout.datasetId}.INFORMATION_SCHEMA.PARTITIONS\``;
  return {
    sql: `SELECT total_rows, last_modified_time FROM ${schema} WHERE table_name = @table AND partition_id = @partition_id`,
    params: [
      { name: 'table', parameterType: { type: 'STRING' }, parameterValue: { value: layout.tableId } },
      { name: 'partition_id', parameterType: { type: 'STRING' }, parameterValue: { value: partition.slice(0, 10).replace(/-/g, '') } },
    ],
  };
}
