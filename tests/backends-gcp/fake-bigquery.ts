// A local HTTP fake of the BigQuery REST API (node:http on 127.0.0.1:0) answering exactly the calls
// the warehouse makes through the official client, and RECORDING every request so tests can assert
// the request sequence, SQL text, parameters and load configuration. It does not execute SQL:
// queries get canned results (`answer`), DML jobs canned dmlStats (`dmlStats`). Failures can be
// injected per kind of call (`failNext`), jobs can be made to end with an error (`failJobs`), and
// insertAll can answer partial `insertErrors` (`insertErrorsNext`).
//
// Like BigQuery, it refuses (cheaply known, no SQL engine needed): a query or DML naming a table that
// does not exist (notFound); a load whose rows carry a field the destination's schema lacks, or lack a
// REQUIRED one (invalid); and — our own cost rule, which BigQuery enforces only on tables created with
// require_partition_filter — a MERGE or DELETE on a day-partitioned table without a filter on its
// partition column (a write touches one partition; reads of the execution log may span all). What it cannot catch: SQL that parses here but not in BigQuery, type coercions,
// quotas, and the semantics of the MERGE itself (it executes nothing).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type CallKind =
  | 'datasets.get' | 'datasets.insert'
  | 'tables.get' | 'tables.insert' | 'tables.patch' | 'tables.delete'
  | 'jobs.insert' | 'jobs.upload' | 'jobs.get' | 'jobs.query' | 'jobs.getQueryResults'
  | 'tabledata.insertAll';

export interface RecordedRequest {
  kind: CallKind;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (for an upload: the job metadata part). */
  body?: any;
  /** For an upload: the data part, as text. */
  upload?: string;
  /** What the fake answered. */
  status: number;
}

export interface Failure {
  status: number;
  reason?: string;
  message?: string;
  /** The call takes effect before the error is returned (a response lost on the way back). */
  applied?: boolean;
}

export interface CannedResult {
  fields: Array<{ name: string; type: string; mode?: string }>;
  /** Row values as BigQuery sends them (text, or null). */
  rows: unknown[][];
}

interface Job {
  resource: any;
  kind: 'load' | 'query';
  /** Refused for its content: it ends DONE with this error. */
  refused?: { reason: string; message: string };
}

const API = '/bigquery/v2/projects/';

function classify(method: string, path: string): CallKind | undefined {
  if (path.startsWith('/upload/bigquery/v2/projects/') && path.endsWith('/jobs') && method === 'POST') return 'jobs.upload';
  if (!path.startsWith(API)) return undefined;
  const parts = path.slice(API.length).split('/'); // [project, 'datasets', d, 'tables', t, 'insertAll']
  if (parts[1] === 'queries') return parts.length === 2 ? 'jobs.query' : 'jobs.getQueryResults';
  if (parts[1] === 'jobs') return parts.length === 2 ? 'jobs.insert' : 'jobs.get';
  if (parts[1] === 'datasets') {
    if (parts.length === 2) return 'datasets.insert';
    if (parts.length === 3) return 'datasets.get';
    if (parts.length === 4) return 'tables.insert';
    if (parts.length === 6 && parts[5] === 'insertAll') return 'tabledata.insertAll';
    if (parts.length === 5) return method === 'GET' ? 'tables.get' : method === 'PATCH' ? 'tables.patch' : 'tables.delete';
  }
  return undefined;
}

function parseMultipart(contentType: string, raw: Buffer): Array<{ contentType: string; body: string }> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  return raw
    .toString('utf8')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const sep = part.indexOf('\r\n\r\n');
      const head = part.slice(0, sep);
      return { contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '', body: part.slice(sep + 4).replace(/\r\n$/, '') };
    });
}

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly datasets = new Set<string>();
  readonly tables = new Map<string, any>();
  /** dmlStats of every DML job (strings, as BigQuery sends them). */
  dmlStats = { insertedRowCount: '0', updatedRowCount: '0', deletedRowCount: '0' };
  /** Rows per result page (pagination through getQueryResults). */
  pageSize = 1000;
  /** Answer jobs.query with jobComplete=false first, so the client polls getQueryResults. */
  slowQueries = false;
  private server?: Server;
  private readonly failures: Array<{ kind: CallKind; left: number; failure: Failure }> = [];
  private readonly jobFailures: Array<{ kind: 'load' | 'query'; left: number; reason: string; message: string }> = [];
  private readonly answers: Array<{ match: RegExp; result: CannedResult }> = [];
  private insertErrors: any[] | undefined;
  private readonly jobs = new Map<string, Job>();
  private readonly results = new Map<string, CannedResult>();
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The next `count` calls of `kind` fail with this HTTP error. */
  failNext(kind: CallKind, count: number, failure: Failure): void {
    this.failures.push({ kind, left: count, failure });
  }

  /** The next `count` jobs of `kind` end DONE with this errorResult. */
  failJobs(kind: 'load' | 'query', count: number, reason: string, message = `injected ${reason}`): void {
    this.jobFailures.push({ kind, left: count, reason, message });
  }

  /** The next insertAll answers 200 with these insertErrors. */
  insertErrorsNext(errors: any[]): void {
    this.insertErrors = errors;
  }

  /** Queries whose SQL matches get this result (first match wins); others get no rows. */
  answer(match: RegExp, result: CannedResult): void {
    this.answers.unshift({ match, result });
  }

  of(kind: CallKind): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  kinds(): CallKind[] {
    return this.requests.map((r) => r.kind);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
    this.jobFailures.length = 0;
    this.insertErrors = undefined;
  }

  private send(res: ServerResponse, rec: RecordedRequest, status: number, body?: unknown): void {
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private error(res: ServerResponse, rec: RecordedRequest, f: Failure): void {
    const reason = f.reason ?? (f.status === 429 ? 'rateLimitExceeded' : f.status >= 500 ? 'backendError' : f.status === 404 ? 'notFound' : f.status === 409 ? 'duplicate' : 'invalid');
    const message = f.message ?? `fake ${f.status} ${reason}`;
    this.send(res, rec, f.status, { error: { code: f.status, message, errors: [{ reason, message, domain: 'global' }], status: 'ERROR' } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const kind = classify(method, url.pathname);
    const rec: RecordedRequest = { kind: kind ?? ('unknown' as CallKind), method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.requests.push(rec);
    try {
      if (kind === 'jobs.upload') {
        const parts = parseMultipart(String(req.headers['content-type']), raw);
        rec.body = JSON.parse(parts[0]!.body);
        rec.upload = parts[1]?.body;
      } else if (raw.length) {
        rec.body = JSON.parse(raw.toString('utf8'));
      }
    } catch (err) {
      return this.error(res, rec, { status: 400, message: `fake could not parse the request: ${(err as Error).message}` });
    }
    if (!kind) return this.error(res, rec, { status: 404, message: `fake BigQuery does not know ${method} ${url.pathname}` });
    const injected = this.failures.find((f) => f.kind === kind && f.left > 0);
    if (injected) {
      injected.left--;
      if (injected.failure.applied) this.route(kind, url, rec, { writeHead() {}, end() {} } as unknown as ServerResponse);
      return this.error(res, rec, injected.failure);
    }
    this.route(kind, url, rec, res);
  }

  private route(kind: CallKind, url: URL, rec: RecordedRequest, res: ServerResponse): void {
    const parts = url.pathname.slice(API.length).split('/');
    const project = parts[0]!;
    switch (kind) {
      case 'datasets.get':
        return this.datasets.has(parts[2]!)
          ? this.send(res, rec, 200, { datasetReference: { projectId: project, datasetId: parts[2] } })
          : this.error(res, rec, { status: 404 });
      case 'datasets.insert': {
        const id = rec.body.datasetReference.datasetId as string;
        if (this.datasets.has(id)) return this.error(res, rec, { status: 409 });
        this.datasets.add(id);
        return this.send(res, rec, 200, rec.body);
      }
      case 'tables.get': {
        const t = this.tables.get(`${parts[2]}.${parts[4]}`);
        return t ? this.send(res, rec, 200, t) : this.error(res, rec, { status: 404 });
      }
      case 'tables.insert': {
        const ref = rec.body.tableReference;
        const key = `${ref.datasetId}.${ref.tableId}`;
        if (!this.datasets.has(ref.datasetId)) return this.error(res, rec, { status: 404, message: `Not found: Dataset ${ref.datasetId}` });
        if (this.tables.has(key)) return this.error(res, rec, { status: 409 });
        this.tables.set(key, rec.body);
        return this.send(res, rec, 200, rec.body);
      }
      case 'tables.patch': {
        const key = `${parts[2]}.${parts[4]}`;
        const t = this.tables.get(key);
        if (!t) return this.error(res, rec, { status: 404 });
        this.tables.set(key, { ...t, ...rec.body });
        return this.send(res, rec, 200, this.tables.get(key));
      }
      case 'tables.delete':
        return this.tables.delete(`${parts[2]}.${parts[4]}`) ? this.send(res, rec, 204) : this.error(res, rec, { status: 404 });
      case 'jobs.upload':
      case 'jobs.insert':
        return this.insertJob(kind === 'jobs.upload' ? 'load' : 'query', rec, res);
      case 'jobs.get': {
        const job = this.jobs.get(parts[2]!);
        if (!job) return this.error(res, rec, { status: 404 });
        this.finish(job);
        return this.send(res, rec, 200, job.resource);
      }
      case 'jobs.query':
        return this.query(project, rec, res);
      case 'jobs.getQueryResults':
        return this.page(parts[2]!, Number(url.searchParams.get('pageToken') ?? 0), rec, res);
      case 'tabledata.insertAll': {
        if (this.insertErrors) {
          const insertErrors = this.insertErrors;
          this.insertErrors = undefined;
          return this.send(res, rec, 200, { kind: 'bigquery#tableDataInsertAllResponse', insertErrors });
        }
        return this.send(res, rec, 200, { kind: 'bigquery#tableDataInsertAllResponse' });
      }
    }
  }

  private insertJob(kind: 'load' | 'query', rec: RecordedRequest, res: ServerResponse): void {
    const jobId = rec.body.jobReference.jobId as string;
    if (this.jobs.has(jobId)) return this.error(res, rec, { status: 409, message: `Already Exists: Job ${jobId}` });
    let refused: { reason: string; message: string } | undefined;
    if (kind === 'load') {
      const dest = rec.body.configuration.load.destinationTable;
      const table = this.tables.get(`${dest.datasetId}.${dest.tableId}`);
      if (!table) return this.error(res, rec, { status: 404, message: `Not found: Table ${dest.tableId}` });
      refused = this.refuseLoad(table, rec.upload ?? '');
    } else {
      refused = this.refuseQuery(rec.body.configuration.query.query as string);
    }
    // Like BigQuery, a job refused for its content is created and ends DONE with the error.
    const resource = { ...rec.body, status: { state: 'RUNNING' } };
    this.jobs.set(jobId, { resource, kind, refused });
    this.send(res, rec, 200, resource);
  }

  /** notFound for a table that does not exist; invalidQuery for a partitioned table read or changed without its partition filter. */
  private refuseQuery(sql: string): { reason: string; message: string } | undefined {
    for (const m of sql.matchAll(/`([\w-]+)\.([\w$]+)\.([\w$]+)`/g)) {
      const [, project, dataset, tableId] = m;
      if (tableId === 'INFORMATION_SCHEMA') continue;
      const table = this.tables.get(`${dataset}.${tableId}`);
      if (!table) return { reason: 'notFound', message: `Not found: Table ${project}:${dataset}.${tableId} was not found in location US` };
      const field = table.timePartitioning?.field as string | undefined;
      if (!field || !/^\s*(MERGE|DELETE)/i.test(sql)) continue;
      const alias = new RegExp(`\`${project}\\.${dataset}\\.${tableId.replace(/\$/g, '\\$')}\`\\s+AS\\s+(\\w+)`).exec(sql)?.[1];
      const column = `(?:${alias ? `${alias}\\.` : ''})?\`?${field}\`?`;
      if (!new RegExp(`${column}\\s*(=\\s*@|IN\\s+UNNEST\\(@)`).test(sql))
        return { reason: 'invalidQuery', message: `Cannot query over table '${dataset}.${tableId}' without a filter over column(s) '${field}' that can be used for partition elimination` };
    }
    return undefined;
  }

  /** A load refuses a row with a field the schema lacks, or without a REQUIRED field. */
  private refuseLoad(table: any, ndjson: string): { reason: string; message: string } | undefined {
    const fields = (table.schema?.fields ?? []) as Array<{ name: string; mode?: string }>;
    const known = new Set(fields.map((f) => f.name));
    const required = fields.filter((f) => f.mode === 'REQUIRED').map((f) => f.name);
    const lines = ndjson.split('\n').filter((l) => l.trim());
    for (const [i, line] of lines.entries()) {
      const row = JSON.parse(line) as Record<string, unknown>;
      const extra = Object.keys(row).find((k) => !known.has(k));
      if (extra) return { reason: 'invalid', message: `Error while reading data, error message: JSON parsing error in row starting at position ${i}: No such field: ${extra}.` };
      const missing = required.find((k) => row[k] === undefined || row[k] === null);
      if (missing) return { reason: 'invalid', message: `Error while reading data, error message: JSON table encountered too many errors: row ${i}: Missing required field: ${missing}.` };
    }
    return undefined;
  }

  private finish(job: Job): void {
    if (job.resource.status.state === 'DONE') return;
    const injected = job.refused ? undefined : this.jobFailures.find((f) => f.kind === job.kind && f.left > 0);
    if (injected) injected.left--;
    const failure = job.refused ?? injected;
    job.resource.status = { state: 'DONE' };
    if (failure) {
      job.resource.status.errorResult = { reason: failure.reason, message: failure.message };
      job.resource.status.errors = [job.resource.status.errorResult];
      return;
    }
    job.resource.statistics = job.kind === 'query' ? { query: { dmlStats: { ...this.dmlStats } } } : { load: {} };
  }

  private query(project: string, rec: RecordedRequest, res: ServerResponse): void {
    const sql = rec.body.query as string;
    const refused = this.refuseQuery(sql);
    if (refused) return this.error(res, rec, { status: refused.reason === 'notFound' ? 404 : 400, reason: refused.reason, message: refused.message });
    const result = this.answers.find((a) => a.match.test(sql))?.result ?? { fields: [], rows: [] };
    const jobId = `fake_query_${++this.seq}`;
    this.results.set(jobId, result);
    const jobReference = { projectId: project, jobId, location: rec.body.location ?? 'US' };
    if (this.slowQueries) return this.send(res, rec, 200, { kind: 'bigquery#queryResponse', jobReference, jobComplete: false });
    this.send(res, rec, 200, { kind: 'bigquery#queryResponse', jobReference, ...this.pageBody(result, 0) });
  }

  private page(jobId: string, offset: number, rec: RecordedRequest, res: ServerResponse): void {
    const result = this.results.get(jobId);
    if (!result) return this.error(res, rec, { status: 404 });
    this.send(res, rec, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference: { jobId }, ...this.pageBody(result, offset) });
  }

  private pageBody(result: CannedResult, offset: number) {
    const rows = result.rows.slice(offset, offset + this.pageSize).map((r) => ({ f: r.map((v) => ({ v })) }));
    const next = offset + this.pageSize < result.rows.length ? String(offset + this.pageSize) : undefined;
    return { jobComplete: true, schema: { fields: result.fields }, rows, totalRows: String(result.rows.length), ...(next ? { pageToken: next } : {}) };
  }
}
