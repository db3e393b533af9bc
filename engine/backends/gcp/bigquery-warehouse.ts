// The production Warehouse on BigQuery. What a write costs is the point of this module: the reference
// system duplicated rows with retried appends and exhausted quotas with single-row DML, so a write is
//   1. the rows checked, typed and de-duplicated by key in memory (last wins) — before any request,
//   2. a staging table `{dataset}._staging_{table}_{id}` created with a 1-hour expiration (so a
//      crash never leaves it behind for long),
//   3. ONE load job of the rows as newline-delimited JSON (a multipart upload from memory) into the
//      staging table — never into the target, whose per-table load quota stays untouched,
//   4. ONE MERGE into the target by key, parameterised by partition (bigquery-sql.ts): changed rows
//      updated, new rows inserted, and for `replace` the partition's (or scope's) missing rows
//      deleted; inserted/updated/deleted come from the job's dmlStats,
//   5. the staging table dropped (also when the load or the MERGE failed),
//   6. one COUNT of the partition: the rows after the write (a scan of one partition's key column).
// HTTP requests per write: tables.insert, upload, jobs.get, jobs.insert, jobs.get, tables.delete,
// jobs.query (more only while a job runs longer than the first poll, or on retries).
// A write with no rows skips 2–5: `upsert` changes nothing (count only), `replace` is ONE DELETE of
// the partition (or scope). Nothing here ever issues a statement per row.
//
// Reads, stats and queryLog are one query each (plus result pages); appendLog is one insertAll per
// batch of up to 500 entries (bigquery-log.ts). `calls()` counts all of it for tests and benchmarks.
// Transient failures (403 rateLimitExceeded, 429, 5xx, network, and jobs that fail for a transient
// reason) are retried with exponential backoff (gcp-retry.ts, bigquery-rest.ts); the client's own
// retries are off so the count of attempts is ours. Call ensureTables(plan) before writing.
import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import type { LogEntry, LogQuery, PartitionStats, ReadQuery, Row, Warehouse, WriteRequest, WriteResult } from '../../ports.js';
import type { Plan, TablePlan } from '../../spec/plan.js';
import { bqLayout, stagingFields, tableResource, tableSql, type BqLayout, type SchemaField } from './bigquery-layout.js';
import { LOG_DATASET, LOG_TABLE, logEntries, logQuery, logRows, logTableResource } from './bigquery-log.js';
import { BigQueryRest, type BigQueryCalls } from './bigquery-rest.js';
import { decodeRows, ndjson, stageRows } from './bigquery-rows.js';
import { countStatement, deleteStatement, mergeStatement, readStatement, statsStatement } from './bigquery-sql.js';
import { retryPolicy, type RetryPolicy } from './gcp-retry.js';

export interface BigQueryWarehouseOptions {
  projectId: string;
  /** `http://127.0.0.1:PORT` for tests against a local fake (plain HTTP, no credentials). */
  apiEndpoint?: string;
  /** Dataset and job location (e.g. `us-west2`); BigQuery's default when absent. */
  location?: string;
  /** Prefix of every dataset name, plan datasets and `_pipeline` alike (e.g. `dev_`). */
  datasetPrefix?: string;
  /** The plan's partition column (needed before `ensureTables(plan)` has run). */
  partitionKey: string;
  retry?: Partial<RetryPolicy>;
  /** A client to use instead of making one (its own retries should be off). */
  client?: BigQuery;
}

/** Staging tables expire after this long even if the drop after the MERGE never happens. */
const STAGING_TTL_MS = 60 * 60 * 1000;
/** Entries per insertAll request (BigQuery recommends at most 500 rows per request). */
const LOG_BATCH = 500;

export class BigQueryWarehouse implements Warehouse {
  readonly rest: BigQueryRest;
  private partitionKey: string;
  private readonly prefix: string;
  private readonly layouts = new Map<string, BqLayout>();

  constructor(private readonly opts: BigQueryWarehouseOptions) {
    const client =
      opts.client ??
      new BigQuery({ projectId: opts.projectId, location: opts.location, retryOptions: { autoRetry: false }, ...(opts.apiEndpoint ? { apiEndpoint: opts.apiEndpoint } : {}) });
    this.rest = new BigQueryRest(client, opts.projectId, opts.location, retryPolicy(opts.retry));
    this.partitionKey = opts.partitionKey;
    this.prefix = opts.datasetPrefix ?? '';
  }

  /** Calls made since the warehouse was made (a copy). */
  calls(): BigQueryCalls {
    return { ...this.rest.counts };
  }

  private layout(table: TablePlan): BqLayout {
    let layout = this.layouts.get(table.ref);
    if (!layout) {
      layout = bqLayout(table, this.partitionKey, this.opts.projectId, this.prefix);
      this.layouts.set(table.ref, layout);
    }
    return layout;
  }

  private get logDataset(): string {
    return `${this.prefix}${LOG_DATASET}`;
  }

  // ------------------------------------------------------------ tables

  async ensureTables(plan: Plan): Promise<void> {
    this.partitionKey = plan.partition.key;
    this.layouts.clear();
    const tables = [...plan.assets.values()].filter((a): a is TablePlan => a.kind === 'table');
    const datasets = new Set([...tables.map((t) => this.layout(t).datasetId), this.logDataset]);
    await Promise.all([...datasets].map((d) => this.ensureDataset(d)));
    await Promise.all([
      ...tables.map((t) => this.ensureTable(this.layout(t).datasetId, this.layout(t).tableId, tableResource(this.layout(t), t.description))),
      this.ensureTable(this.logDataset, LOG_TABLE, logTableResource(this.opts.projectId, this.logDataset)),
    ]);
  }

  private async ensureDataset(datasetId: string): Promise<void> {
    if (await this.rest.getIfExists('datasets.get', `/datasets/${datasetId}`)) return;
    await this.rest.createIfMissing('datasets.insert', '/datasets', {
      datasetReference: { projectId: this.opts.projectId, datasetId },
      ...(this.opts.location ? { location: this.opts.location } : {}),
    });
  }

  /** Create the table, or add the columns it lacks (NULLABLE: evolution is additive, as locally). */
  private async ensureTable(datasetId: string, tableId: string, resource: Record<string, unknown>): Promise<void> {
    const existing = await this.rest.getIfExists<{ schema?: { fields?: SchemaField[] } }>('tables.get', `/datasets/${datasetId}/tables/${tableId}`);
    if (!existing) return this.rest.createIfMissing('tables.insert', `/datasets/${datasetId}/tables`, resource);
    const have = existing.schema?.fields ?? [];
    const wanted = (resource.schema as { fields: SchemaField[] }).fields;
    const added = wanted.filter((f) => !have.some((h) => h.name === f.name)).map((f) => ({ ...f, mode: 'NULLABLE' as const }));
    if (added.length === 0) return;
    await this.rest.call('tables.patch', { method: 'PATCH', uri: `/datasets/${datasetId}/tables/${tableId}`, json: { schema: { fields: [...have, ...added] } } });
  }

  // ------------------------------------------------------------ data

  async read(table: TablePlan, query: ReadQuery): Promise<Row[]> {
    const layout = this.layout(table);
    if (query.partitions.length === 0 || query.entities?.ids.length === 0) return [];
    const { sql, params } = readStatement(layout, query);
    const res = await this.rest.select(sql, params);
    return decodeRows(res.fields, res.rows);
  }

  async write(table: TablePlan, request: WriteRequest): Promise<WriteResult> {
    const layout = this.layout(table);
    const records = stageRows(layout, request.partition, request.rows);
    let stats = { inserted: 0, updated: 0, deleted: 0 };
    if (records.length > 0) {
      stats = await this.mergeStaged(layout, request, records);
    } else if (request.mode === 'replace') {
      const { sql, params } = deleteStatement(layout, request);
      stats = await this.rest.dml(sql, params, 'delete');
    }
    const count = countStatement(layout, request.partition);
    const res = await this.rest.select(count.sql, count.params);
    const rows = Number(decodeRows(res.fields, res.rows)[0]?.n ?? 0);
    return { ...stats, rows };
  }

  private async mergeStaged(layout: BqLayout, request: WriteRequest, records: ReturnType<typeof stageRows>) {
    const stagingId = `_staging_${layout.tableId}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const tablePath = `/datasets/${layout.datasetId}/tables`;
    await this.rest.createIfMissing('tables.insert (staging)', tablePath, {
      tableReference: { projectId: layout.projectId, datasetId: layout.datasetId, tableId: stagingId },
      schema: { fields: stagingFields(layout) },
      expirationTime: String(Date.now() + STAGING_TTL_MS),
      description: `staging for one write to ${layout.ref} (dropped after its MERGE)`,
    });
    try {
      await this.rest.load(
        {
          destinationTable: { projectId: layout.projectId, datasetId: layout.datasetId, tableId: stagingId },
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          schema: { fields: stagingFields(layout) },
          writeDisposition: 'WRITE_TRUNCATE',
          createDisposition: 'CREATE_NEVER',
          ignoreUnknownValues: false,
          maxBadRecords: 0,
        },
        ndjson(records),
      );
      const { sql, params } = mergeStatement(layout, tableSql(layout.projectId, layout.datasetId, stagingId), request);
      return await this.rest.dml(sql, params, 'merge');
    } finally {
      // The drop must not hide the error that matters; the expiration cleans up if it fails.
      await this.rest.call('tables.delete (staging)', { method: 'DELETE', uri: `${tablePath}/${stagingId}` }).catch(() => undefined);
    }
  }

  async stats(table: TablePlan, partition: string): Promise<PartitionStats> {
    const layout = this.layout(table);
    const { sql, params } = statsStatement(layout, partition);
    const res = await this.rest.select(sql, params);
    const row = decodeRows(res.fields, res.rows)[0];
    if (!row) return { rows: 0 };
    const out: PartitionStats = { rows: Number(row.total_rows ?? 0) };
    if (typeof row.last_modified_time === 'string') out.updatedAt = Date.parse(row.last_modified_time);
    return out;
  }

  // ------------------------------------------------------------ log

  async appendLog(entries: LogEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += LOG_BATCH) {
      const batch = entries.slice(i, i + LOG_BATCH);
      const rows = logRows(batch);
      const errors = await this.rest.insertAll(this.logDataset, LOG_TABLE, rows);
      if (errors.length) throw insertError(batch, i, errors);
    }
  }

  async queryLog(query: LogQuery): Promise<LogEntry[]> {
    const { sql, params } = logQuery(tableSql(this.opts.projectId, this.logDataset, LOG_TABLE), query);
    const res = await this.rest.select(sql, params);
    return logEntries(decodeRows(res.fields, res.rows));
  }

  async close(): Promise<void> {}
}


/**
 * The error of a refused insertAll batch, naming the rows BigQuery found invalid. With
 * skipInvalidRows off the whole request is refused; the valid rows come back as `stopped`.
 */
function insertError(batch: LogEntry[], offset: number, errors: Awaited<ReturnType<BigQueryRest['insertAll']>>): Error {
  const invalid = errors.filter((e) => (e.errors ?? []).some((x) => x.reason !== 'stopped'));
  const named = (invalid.length ? invalid : errors).slice(0, 5).map((e) => {
    const entry = batch[e.index];
    const why = (e.errors ?? []).map((x) => `${x.reason ?? 'error'}${x.location ? ` at ${x.location}` : ''}${x.message ? `: ${x.message}` : ''}`).join('; ');
    return `row ${offset + e.index} (${entry?.event ?? '?'}${entry?.executionId ? ` ${entry.executionId}` : ''}) ${why}`;
  });
  const more = invalid.length > 5 ? ` | and ${invalid.length - 5} more` : '';
  return new Error(
    `execution log: BigQuery refused a batch of ${batch.length} entries (none written; ${invalid.length} invalid): ${named.join(' | ')}${more}`,
  );
}
