// The local ObjectStore: a directory tree. Object bytes live at `<root>/objects/<bucket>/<path>` (so
// the folder mirrors the bucket and files open directly), their content type, metadata and update
// time in a parallel tree `<root>/object-meta/<bucket>/<path>.json` (so no object name can collide
// with a sidecar and listings need no filtering). Both are written atomically (temp file + rename).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore, StoredObject } from '../../ports.js';
import { isNotFound, safeBucket, safeSegments, writeFileAtomic } from './fs-paths.js';

interface Sidecar {
  contentType: string;
  metadata: Record<string, string>;
  cacheControl?: string;
  updatedAt: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class FsObjectStore implements ObjectStore {
  constructor(readonly root: string) {}

  private objectFile(bucket: string, path: string): string {
    return join(this.root, 'objects', safeBucket(bucket), ...safeSegments(path, 'object path'));
  }

  private metaFile(bucket: string, path: string): string {
    return `${join(this.root, 'object-meta', safeBucket(bucket), ...safeSegments(path, 'object path'))}.json`;
  }

  private get scratch(): string {
    return join(this.root, '.tmp');
  }

  async put(
    bucket: string,
    path: string,
    body: Buffer | string,
    opts: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string } = {},
  ): Promise<void> {
    const file = this.objectFile(bucket, path);
    const sidecar: Sidecar = {
      contentType: opts.contentType ?? DEFAULT_CONTENT_TYPE,
      metadata: { ...(opts.metadata ?? {}) },
      updatedAt: Date.now(),
    };
    if (opts.cacheControl !== undefined) sidecar.cacheControl = opts.cacheControl;
    // Metadata first: the object appears (or changes) with the body's rename.
    await writeFileAtomic(this.scratch, this.metaFile(bucket, path), JSON.stringify(sidecar));
    await writeFileAtomic(this.scratch, file, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  }

  async get(bucket: string, path: string): Promise<StoredObject | undefined> {
    let body: Buffer;
    try {
      body = await readFile(this.objectFile(bucket, path));
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw err;
    }
    let sidecar: Sidecar | undefined;
    try {
      sidecar = JSON.parse(await readFile(this.metaFile(bucket, path), 'utf8')) as Sidecar;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return {
      path,
      body,
      contentType: sidecar?.contentType ?? DEFAULT_CONTENT_TYPE,
      metadata: sidecar?.metadata ?? {},
      // An object copied into the folder by hand has no sidecar: its file time stands in.
      updatedAt: sidecar?.updatedAt ?? (await stat(this.objectFile(bucket, path))).mtimeMs,
    };
  }

  /** Object paths in the bucket starting with `prefix` (a plain string prefix, as in GCS), sorted. */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const folder = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix.slice(0, Math.max(0, prefix.lastIndexOf('/')));
    const segments = safeSegments(folder, 'object prefix', { allowEmpty: true });
    const last = prefix.slice(prefix.lastIndexOf('/') + 1);
    if (last === '..' || last === '.') throw new Error(`object prefix "${prefix}" must not contain "." or ".." segments`);
    const found: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      for (const e of entries) {
        const path = rel ? `${rel}/${e.name}` : e.name;
        const under = `${path}/`;
        if (e.isDirectory()) {
          if (under.startsWith(prefix) || prefix.startsWith(under)) await walk(join(dir, e.name), path);
        }
        else if (e.isFile() && path.startsWith(prefix)) found.push(path);
      }
    };
    await walk(join(this.root, 'objects', safeBucket(bucket), ...segments), segments.join('/'));
    return found.sort();
  }
}
