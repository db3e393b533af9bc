// Filesystem helpers shared by the object and document stores: turning a caller's path into a path
// under the store's root (refusing anything that could escape it) and atomic file writes (a temp file
// in the store's own scratch folder, then rename, so readers never see half a file and listings never
// see temp files).
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Split a relative slash-separated path, refusing absolute paths, `.`/`..` and empty segments. */
export function safeSegments(path: string, what: string, opts: { allowEmpty?: boolean } = {}): string[] {
  if (path === '' && opts.allowEmpty) return [];
  const bad = (why: string) => new Error(`${what} "${path}" ${why}`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw bad('must be relative');
  if (path.includes('\\') || path.includes('\0')) throw bad('must not contain backslashes or NUL');
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '..' || s === '.') throw bad('must not contain "." or ".." segments');
    if (s === '') throw bad('must not be empty or contain empty segments');
  }
  return segments;
}

/** Bucket names are single path segments that cannot be hidden files. */
export function safeBucket(bucket: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(bucket)) throw new Error(`bucket name "${bucket}" is not valid`);
  return bucket;
}

/** Write `target` atomically: temp file under `scratchDir` (same filesystem), then rename. */
export async function writeFileAtomic(scratchDir: string, target: string, data: Buffer | string): Promise<void> {
  await mkdir(scratchDir, { recursive: true });
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(scratchDir, `${randomUUID()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
