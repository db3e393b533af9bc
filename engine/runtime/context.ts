// Builds the context a processor runs with: reads limited to its declared inputs (anything else fails
// with the spec line to change), writes collected for its one output, objects and documents only into
// its declared collections, fetch with timeouts and retries, and a logger into the run's log.
import { readPartitions } from '../core/decide.js';
import { partitionPrefix, patternRegex } from '../core/messages.js';
import type { Scope } from '../core/types.js';
import type { Backends, Row } from '../ports.js';
import type { Plan, ProcessorPlan } from '../spec/plan.js';
import {
  SourceFormatError, SourceUnavailableError, UndeclaredAccessError,
  type FetchOptions, type FetchedResponse, type ProcessorContext, type StoredObjectView,
} from './processor.js';
import type { RunLogLine } from './error-location.js';
import { ids } from './keys.js';
import { contentHash } from './rows.js';

export interface RunInfo {
  processor: ProcessorPlan;
  partition: string;
  scope: Scope | null;
  executionId: string;
  correlationId: string;
  attempt: number;
  backfill: ProcessorContext['backfill'];
  signal: AbortSignal;
}

export interface Collected {
  rows: Row[];
  wroteRows: boolean;
  /** collection ref → path → content hash (objects and documents written by this run). */
  written: Map<string, Map<string, string>>;
  logs: RunLogLine[];
}

/** `onLog` sees each log line as the processor writes it (the CLI's `--verbose`), before the run ends. */
export function buildContext(plan: Plan, backends: Backends, run: RunInfo, env: Record<string, string | undefined>, onLog?: (line: RunLogLine) => void): { ctx: ProcessorContext; collected: Collected } {
  const p = run.processor;
  const collected: Collected = { rows: [], wroteRows: false, written: new Map(), logs: [] };
  const readsBy = new Map(p.reads.map((r) => [r.asset, r] as const));
  const where = `${plan.file}:${p.source.line}:${p.source.col}`;

  const declaredRead = (ref: string) => {
    const r = readsBy.get(ref);
    if (!r) throw new UndeclaredAccessError(`processor ${p.name} read ${ref}, which it does not declare; add \`${ref}:\` under processors.${p.name}.reads in ${where}`);
    return r;
  };
  const declaredOutput = (ref: string, kind: 'objects' | 'documents') => {
    if (!p.outputs.includes(ref)) throw new UndeclaredAccessError(`processor ${p.name} wrote ${ref}, which is not one of its outputs (${p.outputs.join(', ')}); change processors.${p.name}.writes in ${where}`);
    const a = plan.assets.get(ref)!;
    if (a.kind !== kind) throw new UndeclaredAccessError(`${ref} is a ${a.kind} collection, not ${kind}`);
    return a;
  };
  const record = (ref: string, path: string, hash: string) => {
    let m = collected.written.get(ref);
    if (!m) collected.written.set(ref, (m = new Map()));
    m.set(path, hash);
  };
  // Paths this partition's previous runs wrote, with their content hashes: an object or document whose
  // bytes are unchanged is not rewritten (no I/O, no new GCS generation), only recorded.
  const known = new Map<string, Promise<Record<string, { hash: string }>>>();
  const unchanged = async (ref: string, path: string, hash: string) => {
    let m = known.get(ref);
    if (!m) known.set(ref, (m = backends.state.get<{ groups: Record<string, { hash: string }> }>('entity_hashes', ids.hashes(ref, run.partition)).then((d) => d?.groups ?? {})));
    return (await m)[path]?.hash === hash;
  };
  const log = (level: string) => (message: string, detail?: Record<string, unknown>) => {
    const line = { level, message, detail };
    collected.logs.push(line);
    onLog?.(line);
  };

  const ctx: ProcessorContext = {
    processor: p.name,
    partition: run.partition,
    scope: run.scope,
    backfill: run.backfill,
    executionId: run.executionId,
    correlationId: run.correlationId,
    attempt: run.attempt,
    signal: run.signal,
    now: () => backends.clock.now(),
    env: (name) => env[name],
    async read(ref, opts = {}) {
      const r = declaredRead(ref);
      const a = plan.assets.get(ref)!;
      if (a.kind !== 'table') throw new UndeclaredAccessError(`${ref} is a collection: use ctx.readObjects('${ref}')`);
      const scope = opts.scope;
      const column = scope ? a.entities[scope.kind] : undefined;
      return (await backends.warehouse.read(a, {
        partitions: readPartitions(r, run.partition),
        entities: scope && column ? { column, ids: scope.ids } : undefined,
      })) as never[];
    },
    async readObjects(ref) {
      const r = declaredRead(ref);
      const a = plan.assets.get(ref)!;
      if (a.kind !== 'objects') throw new UndeclaredAccessError(`${ref} is not an object collection`);
      const re = patternRegex(a.path);
      const out: StoredObjectView[] = [];
      for (const d of readPartitions(r, run.partition)) {
        for (const path of (await backends.objects.list(a.bucket, partitionPrefix(a.path, d))).sort()) {
          if (!re.test(path)) continue;
          const o = await backends.objects.get(a.bucket, path);
          if (o) out.push({ path, body: o.body, json: <T>() => JSON.parse(o.body.toString('utf8')) as T });
        }
      }
      return out;
    },
    write(rows) {
      if (!p.table) throw new UndeclaredAccessError(`processor ${p.name} writes collections, not a table: use ctx.putObject / ctx.putDocument`);
      collected.wroteRows = true;
      for (const r of rows) collected.rows.push(r as Row);
    },
    async putObject(ref, path, body, opts = {}) {
      const a = declaredOutput(ref, 'objects');
      if (a.kind !== 'objects') return;
      if (!patternRegex(a.path).test(path)) throw new UndeclaredAccessError(`object path ${path} does not match ${ref}'s pattern ${a.path}`);
      const isJson = typeof body === 'object' && !Buffer.isBuffer(body);
      const data = isJson ? JSON.stringify(body, null, 2) : body;
      const hash = contentHash(data);
      if (!(await unchanged(ref, path, hash)))
        await backends.objects.put(a.bucket, path, data, {
          contentType: opts.contentType ?? (isJson ? 'application/json' : 'application/octet-stream'),
          cacheControl: opts.cacheControl,
          metadata: { ...opts.metadata, execution_id: run.executionId, correlation_id: run.correlationId, processor: p.name, partition: run.partition },
        });
      record(ref, path, hash);
    },
    async putDocument(ref, path, doc) {
      const a = declaredOutput(ref, 'documents');
      if (a.kind !== 'documents') return;
      if (!patternRegex(a.path.replace(/\{date\}/, '{d}')).test(path)) throw new UndeclaredAccessError(`document path ${path} does not match ${ref}'s pattern ${a.path}`);
      const hash = contentHash(JSON.stringify(doc));
      if (!(await unchanged(ref, path, hash))) await backends.documents.put(path, doc);
      record(ref, path, hash);
    },
    fetch: (url, opts) => fetchWithRetry(url, opts, run.signal),
    async fetchJson<T>(url: string, opts?: FetchOptions) {
      const res = await fetchWithRetry(url, opts, run.signal);
      if (res.status >= 400) throw new SourceFormatError(`GET ${url} answered ${res.status}: ${res.text.slice(0, 120)}`);
      try {
        return JSON.parse(res.text) as T;
      } catch {
        throw new SourceFormatError(`GET ${url} did not answer JSON (content-type ${res.contentType || 'none'}): ${JSON.stringify(res.text.slice(0, 80))}`);
      }
    },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
  };
  return { ctx, collected };
}

/** GET with a timeout, retrying 5xx and network errors with a short backoff. */
export async function fetchWithRetry(url: string, opts: FetchOptions = {}, signal?: AbortSignal): Promise<FetchedResponse> {
  const retries = opts.retries ?? 3;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (signal?.aborted) throw new SourceUnavailableError(`GET ${url} aborted`);
    try {
      const { request } = await import('undici'); // loaded on first use: most commands never fetch
      const res = await request(url, { method: 'GET', headers: opts.headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal });
      const text = await res.body.text();
      const ct = String(res.headers['content-type'] ?? '');
      if (res.statusCode >= 500) last = `GET ${url} answered ${res.statusCode}`;
      else return { status: res.statusCode, url, contentType: ct, text };
    } catch (e) {
      last = `GET ${url} failed: ${(e as Error).message}`;
    }
    if (attempt < retries) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
  }
  throw new SourceUnavailableError(`${last} (after ${retries + 1} attempts)`);
}
