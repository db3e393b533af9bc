// A local HTTP fake of the Cloud Storage JSON API (node:http on 127.0.0.1:0): multipart upload,
// object metadata, media download and object listing — what the official client sends for
// `file.save`, `file.getMetadata`, `file.download` and `bucket.getFiles`. It keeps objects in memory
// with real CRC32C/MD5 hashes (the client verifies them), RECORDS every request, and can fail the
// next N calls of a kind with an HTTP status.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CRC32C } from '@google-cloud/storage';

export type GcsKind = 'upload' | 'metadata' | 'download' | 'list';

export interface GcsRequest {
  kind: GcsKind | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** For an upload: the metadata part and the data part. */
  metadata?: any;
  data?: Buffer;
  dataContentType?: string;
  status: number;
}

interface StoredObject {
  resource: Record<string, unknown>;
  data: Buffer;
}

function parseMultipart(contentType: string, raw: Buffer): Array<{ contentType: string; body: Buffer }> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  const text = raw.toString('latin1');
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const sep = part.indexOf('\r\n\r\n');
      const head = part.slice(0, sep);
      const body = part.slice(sep + 4).replace(/\r\n$/, '');
      return { contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '', body: Buffer.from(body, 'latin1') };
    });
}

export class FakeGcs {
  readonly requests: GcsRequest[] = [];
  readonly objects = new Map<string, StoredObject>();
  /** Objects per list page. */
  pageSize = 1000;
  url = '';
  private server?: Server;
  private generation = 1000;
  private readonly failures: Array<{ kind: GcsKind; left: number; status: number }> = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  failNext(kind: GcsKind, count: number, status: number): void {
    this.failures.push({ kind, left: count, status });
  }

  of(kind: GcsKind): GcsRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
  }

  private json(res: ServerResponse, rec: GcsRequest, status: number, body: unknown): void {
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, rec: GcsRequest, status: number, message = `fake ${status}`): void {
    const reason = status === 404 ? 'notFound' : status === 429 ? 'rateLimitExceeded' : status >= 500 ? 'backendError' : 'invalid';
    this.json(res, rec, status, { error: { code: status, message, errors: [{ reason, message, domain: 'global' }] } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const up = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const obj = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const kind: GcsKind | 'unknown' =
      up && method === 'POST' ? 'upload' : obj && method === 'GET' ? (url.searchParams.get('alt') === 'media' ? 'download' : 'metadata') : list && method === 'GET' ? 'list' : 'unknown';
    const rec: GcsRequest = { kind, method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.requests.push(rec);
    if (kind === 'upload') {
      const parts = parseMultipart(String(req.headers['content-type']), raw);
      rec.metadata = JSON.parse(parts[0]!.body.toString('utf8'));
      rec.data = parts[1]!.body;
      rec.dataContentType = parts[1]!.contentType;
    }
    const injected = kind !== 'unknown' ? this.failures.find((f) => f.kind === kind && f.left > 0) : undefined;
    if (injected) {
      injected.left--;
      return this.error(res, rec, injected.status);
    }
    if (kind === 'upload') return this.upload(up![1]!, url, rec, res);
    if (kind === 'metadata' || kind === 'download') {
      const key = `${obj![1]}/${decodeURIComponent(obj![2]!)}`;
      const o = this.objects.get(key);
      const generation = url.searchParams.get('generation');
      if (!o || (generation && String(o.resource.generation) !== generation)) return this.error(res, rec, 404, `No such object: ${key}`);
      if (kind === 'metadata') return this.json(res, rec, 200, o.resource);
      rec.status = 200;
      res.writeHead(200, {
        'content-type': String(o.resource.contentType),
        'x-goog-hash': `crc32c=${o.resource.crc32c},md5=${o.resource.md5Hash}`,
        'x-goog-stored-content-encoding': 'identity',
        'x-goog-generation': String(o.resource.generation),
      });
      return void res.end(o.data);
    }
    if (kind === 'list') {
      const bucket = list![1]!;
      const prefix = url.searchParams.get('prefix') ?? '';
      const names = [...this.objects.values()].map((o) => o.resource).filter((r) => r.bucket === bucket && String(r.name).startsWith(prefix));
      names.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
      const offset = Number(url.searchParams.get('pageToken') ?? 0);
      const page = names.slice(offset, offset + this.pageSize);
      const next = offset + this.pageSize < names.length ? String(offset + this.pageSize) : undefined;
      return this.json(res, rec, 200, { kind: 'storage#objects', items: page, ...(next ? { nextPageToken: next } : {}) });
    }
    return this.error(res, rec, 404, `fake GCS does not know ${method} ${url.pathname}`);
  }

  private upload(bucket: string, url: URL, rec: GcsRequest, res: ServerResponse): void {
    const name = url.searchParams.get('name') ?? rec.metadata.name;
    const data = rec.data!;
    const now = new Date().toISOString();
    const resource = {
      kind: 'storage#object',
      bucket,
      name,
      generation: String(++this.generation),
      contentType: rec.metadata.contentType ?? rec.dataContentType ?? 'application/octet-stream',
      ...(rec.metadata.cacheControl ? { cacheControl: rec.metadata.cacheControl } : {}),
      ...(rec.metadata.metadata ? { metadata: rec.metadata.metadata } : {}),
      size: String(data.length),
      md5Hash: createHash('md5').update(data).digest('base64'),
      crc32c: (() => { const c = new CRC32C(); c.update(data); return c.toString(); })(),
      timeCreated: now,
      updated: now,
    };
    this.objects.set(`${bucket}/${name}`, { resource, data });
    this.json(res, rec, 200, resource);
  }
}
