// The production ObjectStore on Cloud Storage (the official client; `apiEndpoint` points it at a
// local server in tests). Objects are small JSON files (scraped payloads, published API files), so:
//   put  — one multipart upload (not resumable) carrying the content type, Cache-Control and the
//          custom metadata; the client checks the stored CRC32C against the data it sent;
//   get  — the object's metadata, then its bytes pinned to that generation (so body and metadata
//          belong to the same version even if a writer replaces it in between); 404 → undefined;
//   list — the object names under a prefix, page by page.
// Retries: 429, 408, 5xx and network errors are retried with exponential backoff (gcp-retry.ts);
// the client's own retries are off, so attempts are counted once. An upload overwrites the same
// name with the same bytes, so repeating one is harmless.
import { Storage, type File } from '@google-cloud/storage';
import type { ObjectStore, StoredObject } from '../../ports.js';
import { httpStatus, retryPolicy, withRetry, type RetryPolicy } from './gcp-retry.js';

export interface GcsObjectOptions {
  projectId: string;
  /** `http://127.0.0.1:PORT` for tests against a local fake (no credentials are sent to it). */
  apiEndpoint?: string;
  retry?: Partial<RetryPolicy>;
  storage?: Storage;
  /** Bucket names as the plan has them → the buckets to use (env overrides); others pass through. */
  buckets?: ReadonlyMap<string, string>;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class GcsObjectStore implements ObjectStore {
  readonly storage: Storage;
  private readonly retry: RetryPolicy;
  private readonly buckets: ReadonlyMap<string, string>;
  private readonly counts = { uploads: 0, downloads: 0, metadataReads: 0, listPages: 0 };

  constructor(opts: GcsObjectOptions) {
    this.storage =
      opts.storage ??
      new Storage({ projectId: opts.projectId, retryOptions: { autoRetry: false, maxRetries: 0 }, ...(opts.apiEndpoint ? { apiEndpoint: opts.apiEndpoint } : {}) });
    this.retry = retryPolicy(opts.retry);
    this.buckets = opts.buckets ?? new Map();
  }

  private bucket(name: string) {
    return this.storage.bucket(this.buckets.get(name) ?? name);
  }

  ops(): { uploads: number; downloads: number; metadataReads: number; listPages: number } {
    return { ...this.counts };
  }

  private file(bucket: string, path: string, generation?: number): File {
    if (!path || path.startsWith('/')) throw new Error(`object path "${path}" must be relative and non-empty`);
    return this.bucket(bucket).file(path, generation === undefined ? undefined : { generation });
  }

  async put(
    bucket: string,
    path: string,
    body: Buffer | string,
    opts: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string } = {},
  ): Promise<void> {
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const file = this.file(bucket, path);
    await withRetry(`upload gs://${bucket}/${path}`, this.retry, async () => {
      this.counts.uploads++;
      await file.save(data, {
        resumable: false,
        contentType: opts.contentType ?? DEFAULT_CONTENT_TYPE,
        metadata: {
          ...(opts.cacheControl !== undefined ? { cacheControl: opts.cacheControl } : {}),
          ...(opts.metadata && Object.keys(opts.metadata).length ? { metadata: { ...opts.metadata } } : {}),
        },
      });
    });
  }

  get(bucket: string, path: string): Promise<StoredObject | undefined> {
    return this.read(bucket, path, true);
  }

  private async read(bucket: string, path: string, again: boolean): Promise<StoredObject | undefined> {
    let meta: Record<string, unknown>;
    try {
      [meta] = (await withRetry(`metadata of gs://${bucket}/${path}`, this.retry, () => {
        this.counts.metadataReads++;
        return this.file(bucket, path).getMetadata();
      })) as unknown as [Record<string, unknown>];
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
    const generation = meta.generation === undefined ? undefined : Number(meta.generation);
    let body: Buffer;
    try {
      [body] = await withRetry(`download gs://${bucket}/${path}`, this.retry, () => {
        this.counts.downloads++;
        return this.file(bucket, path, generation).download();
      });
    } catch (err) {
      // Replaced or deleted between the two calls: the object as it now is, or none (once).
      if (httpStatus(err) === 404 && again) return this.read(bucket, path, false);
      throw err;
    }
    const custom = (meta.metadata ?? {}) as Record<string, unknown>;
    return {
      path,
      body,
      contentType: typeof meta.contentType === 'string' ? meta.contentType : DEFAULT_CONTENT_TYPE,
      metadata: Object.fromEntries(Object.entries(custom).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)])),
      updatedAt: Date.parse(String(meta.updated ?? meta.timeCreated ?? '')) || 0,
    };
  }

  /** Object paths in the bucket starting with `prefix` (a plain string prefix), sorted. */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const [files, next] = await withRetry(`list gs://${bucket}/${prefix}`, this.retry, () => {
        this.counts.listPages++;
        return this.bucket(bucket).getFiles({ prefix, autoPaginate: false, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      });
      names.push(...files.map((f) => f.name));
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
    } while (pageToken);
    return names.sort();
  }
}
