// The BigQuery REST calls the warehouse makes, through the official client's authenticated
// transport (`bigquery.request`: credentials, endpoint, user agent) with the client's own retries
// off, so that every call is retried here, once, by one policy (gcp-retry.ts), and counted.
//
// Why REST rather than `table.load()` / `bigquery.query()`: those hide how many calls they make,
// which ids they retry with, and the statistics we need (`dmlStats`). Here:
//   - SELECTs use jobs.query (`POST /queries`) with a fresh requestId per attempt (re-running a read
//     is harmless), then `GET /queries/{job}` while incomplete and for further pages.
//   - DML and load jobs are jobs.insert with our own job id, so a retried insert that already
//     reached BigQuery answers 409 and we follow the existing job instead of running it twice; the
//     job is polled with jobs.get until DONE. A job that FAILS for a transient reason (rate limit,
//     backend error, concurrent update of the table) failed atomically, so it is re-run as a new job.
//   - The load's data goes as one multipart upload (`POST /upload/bigquery/v2/.../jobs`).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BigQuery } from '@google-cloud/bigquery';
import { backoffDelay, httpStatus, withRetry, type RetryPolicy } from './gcp-retry.js';
import type { ResultField } from './bigquery-rows.js';

export interface BigQueryCalls {
  /** Load jobs started (one per write with rows). */
  loadJobs: number;
  /** MERGE statements run. */
  mergeStatements: number;
  /** DML statements of any kind (MERGE, DELETE). */
  dml: number;
  /** Read-only queries (read, rows-after count, stats, queryLog). */
  queries: number;
  /** tabledata.insertAll requests (one per appendLog batch). */
  insertAllBatches: number;
  /** HTTP requests in all, retries included. */
  requests: number;
  /** Requests that were retried after a transient failure. */
  retries: number;
}

export type Params = Array<Record<string, unknown>>;

export interface QueryResult {
  fields: ResultField[];
  rows: Array<{ f: Array<{ v: unknown }> }>;
}

export interface DmlStats {
  inserted: number;
  updated: number;
  deleted: number;
}

interface JobResource {
  jobReference?: { jobId?: string; location?: string };
  status?: { state?: string; errorResult?: { reason?: string; message?: string }; errors?: Array<{ reason?: string; message?: string }> };
  statistics?: { query?: { dmlStats?: { insertedRowCount?: string; updatedRowCount?: string; deletedRowCount?: string } } };
}

/** A job that ended with an error (as opposed to a failed HTTP call). */
export class JobFailed extends Error {
  constructor(readonly what: string, readonly reason: string, message: string) {
    super(`${what} failed (${reason}): ${message}`);
  }
}

const TRANSIENT_JOB_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError']);

function transientJobFailure(err: unknown): boolean {
  if (!(err instanceof JobFailed)) return false;
  return TRANSIENT_JOB_REASONS.has(err.reason) || /concurrent update|could not serialize access/i.test(err.message);
}

/** No single request may hang: a timed-out request is retried like a network error. */
const REQUEST_TIMEOUT_MS = 5 * 60_000;
const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 2000;
const QUERY_TIMEOUT_MS = 10_000;

export class BigQueryRest {
  readonly counts: BigQueryCalls = { loadJobs: 0, mergeStatements: 0, dml: 0, queries: 0, insertAllBatches: 0, requests: 0, retries: 0 };

  constructor(
    readonly client: BigQuery,
    readonly projectId: string,
    readonly location: string | undefined,
    readonly retry: RetryPolicy,
  ) {}

  /**
   * One REST call (path relative to `/bigquery/v2/projects/{project}`, or an absolute URL), retried.
   * Options given as a function are built afresh for each attempt (a stream body is single-use).
   */
  call<T>(what: string, reqOpts: Record<string, unknown> | (() => Record<string, unknown>)): Promise<T> {
    return withRetry(what, this.retry, (attempt) => {
      this.counts.requests++;
      if (attempt > 1) this.counts.retries++;
      const opts = typeof reqOpts === 'function' ? reqOpts() : reqOpts;
      return new Promise<T>((resolve, reject) => {
        this.client.request({ timeout: REQUEST_TIMEOUT_MS, ...opts, projectId: this.projectId } as never, (err: Error | null, body?: unknown) => (err ? reject(err) : resolve(body as T)));
      });
    });
  }

  /** A GET that answers undefined for 404. */
  async getIfExists<T>(what: string, uri: string): Promise<T | undefined> {
    try {
      return await this.call<T>(what, { method: 'GET', uri });
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  /** A POST that treats 409 (already exists) as success. */
  async createIfMissing(what: string, uri: string, json: unknown): Promise<void> {
    try {
      await this.call(what, { method: 'POST', uri, json });
    } catch (err) {
      if (httpStatus(err) !== 409) throw err;
    }
  }

  private locationQs(): Record<string, string> {
    return this.location ? { location: this.location } : {};
  }

  /** A read-only query: all result pages. */
  async select(sql: string, params: Params): Promise<QueryResult> {
    this.counts.queries++;
    const first = await this.call<Record<string, unknown>>('jobs.query', () => ({
      method: 'POST',
      uri: '/queries',
      json: {
        query: sql,
        useLegacySql: false,
        parameterMode: 'NAMED',
        queryParameters: params,
        requestId: randomUUID(),
        timeoutMs: QUERY_TIMEOUT_MS,
        formatOptions: { useInt64Timestamp: true },
        ...(this.location ? { location: this.location } : {}),
      },
    }));
    let page = first;
    const jobId = (first.jobReference as { jobId?: string } | undefined)?.jobId;
    const results = (qs: Record<string, unknown>) =>
      this.call<Record<string, unknown>>('jobs.getQueryResults', {
        method: 'GET',
        uri: `/queries/${jobId}`,
        qs: { ...this.locationQs(), timeoutMs: QUERY_TIMEOUT_MS, 'formatOptions.useInt64Timestamp': true, ...qs },
      });
    while (!page.jobComplete) page = await results({});
    const fields = ((page.schema as { fields?: ResultField[] } | undefined)?.fields ?? []) as ResultField[];
    const rows = [...((page.rows as QueryResult['rows']) ?? [])];
    while (page.pageToken) {
      page = await results({ pageToken: page.pageToken });
      rows.push(...((page.rows as QueryResult['rows']) ?? []));
    }
    return { fields, rows };
  }

  /** Follow a job with jobs.get until DONE; a job error becomes JobFailed. */
  private async waitForJob(what: string, jobId: string): Promise<JobResource> {
    let delay = 0;
    for (;;) {
      if (delay > 0) await this.retry.sleep(delay);
      const job = await this.call<JobResource>('jobs.get', { method: 'GET', uri: `/jobs/${jobId}`, qs: this.locationQs() });
      if (job.status?.state === 'DONE') {
        const e = job.status.errorResult;
        if (e) throw new JobFailed(what, e.reason ?? 'unknown', e.message ?? JSON.stringify(job.status.errors ?? []));
        return job;
      }
      delay = delay === 0 ? POLL_FIRST_MS : Math.min(POLL_MAX_MS, Math.round(delay * 1.5));
    }
  }

  /**
   * Insert a job under our own id (409 = it already exists: follow it) and wait for it; re-run it
   * as a new job when it failed for a transient reason.
   */
  private async runJob(what: string, prefix: string, insert: (jobId: string) => Promise<unknown>): Promise<JobResource> {
    for (let attempt = 1; ; attempt++) {
      const jobId = `${prefix}_${randomUUID().replace(/-/g, '')}`;
      try {
        try {
          await insert(jobId);
        } catch (err) {
          if (httpStatus(err) !== 409) throw err;
        }
        return await this.waitForJob(what, jobId);
      } catch (err) {
        if (!transientJobFailure(err) || attempt >= this.retry.attempts) throw err;
        this.counts.retries++;
        await this.retry.sleep(backoffDelay(this.retry, attempt));
      }
    }
  }

  /** One DML statement as a query job; its dmlStats. */
  async dml(sql: string, params: Params, kind: 'merge' | 'delete'): Promise<DmlStats> {
    this.counts.dml++;
    if (kind === 'merge') this.counts.mergeStatements++;
    const job = await this.runJob(kind === 'merge' ? 'MERGE' : 'DELETE', `pipeline_${kind}`, (jobId) =>
      this.call('jobs.insert', {
        method: 'POST',
        uri: '/jobs',
        json: {
          jobReference: { projectId: this.projectId, jobId, ...(this.location ? { location: this.location } : {}) },
          configuration: { query: { query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters: params } },
        },
      }),
    );
    const s = job.statistics?.query?.dmlStats ?? {};
    return { inserted: Number(s.insertedRowCount ?? 0), updated: Number(s.updatedRowCount ?? 0), deleted: Number(s.deletedRowCount ?? 0) };
  }

  /** One load job of newline-delimited JSON from memory (multipart upload), waited for. */
  async load(load: Record<string, unknown>, data: string): Promise<void> {
    this.counts.loadJobs++;
    const url = `${this.client.apiEndpoint}/upload/bigquery/v2/projects/${this.projectId}/jobs`;
    await this.runJob('load job', 'pipeline_load', (jobId) =>
      // The client's multipart writer only ends the body after a STREAM part: the data goes as one.
      this.call('jobs.insert (upload)', () => ({
        method: 'POST',
        uri: url,
        qs: { uploadType: 'multipart' },
        multipart: [
          {
            'Content-Type': 'application/json',
            body: JSON.stringify({
              jobReference: { projectId: this.projectId, jobId, ...(this.location ? { location: this.location } : {}) },
              configuration: { load },
            }),
          },
          { 'Content-Type': 'application/octet-stream', body: Readable.from([Buffer.from(data, 'utf8')]) },
        ],
      })),
    );
  }

  /** One tabledata.insertAll request; returns BigQuery's per-row insertErrors (empty when all went in). */
  async insertAll(datasetId: string, tableId: string, rows: Array<{ insertId: string; json: Record<string, unknown> }>) {
    this.counts.insertAllBatches++;
    const res = await this.call<{ insertErrors?: Array<{ index: number; errors?: Array<{ reason?: string; message?: string; location?: string }> }> }>(
      'tabledata.insertAll',
      {
        method: 'POST',
        uri: `/datasets/${datasetId}/tables/${tableId}/insertAll`,
        json: { kind: 'bigquery#tableDataInsertAllRequest', skipInvalidRows: false, ignoreUnknownValues: false, rows },
      },
    );
    return res?.insertErrors ?? [];
  }
}

