// The local DocumentStore: one pretty-printed JSON file per document at `<root>/documents/<path>.json`,
// written atomically (temp file + rename). A document path alternates collection and document names
// as in Firestore (`predictions/2025-11-15`); `list(collection)` returns the documents directly in it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentStore } from '../../ports.js';
import { isNotFound, safeSegments, writeFileAtomic } from './fs-paths.js';

export class FsDocumentStore implements DocumentStore {
  constructor(readonly root: string) {}

  private file(path: string): string {
    const segments = safeSegments(path, 'document path');
    return `${join(this.root, 'documents', ...segments)}.json`;
  }

  async put(path: string, doc: Record<string, unknown>): Promise<void> {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`document ${path} must be an object`);
    await writeFileAtomic(join(this.root, '.tmp'), this.file(path), `${JSON.stringify(doc, null, 2)}\n`);
  }

  async get(path: string): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse(await readFile(this.file(path), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Paths of the documents directly under `collectionPath`, sorted. */
  async list(collectionPath: string): Promise<string[]> {
    const trimmed = collectionPath.replace(/\/+$/, '');
    const segments = safeSegments(trimmed, 'collection path', { allowEmpty: true });
    let entries;
    try {
      entries = await readdir(join(this.root, 'documents', ...segments), { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => (trimmed ? `${trimmed}/${e.name.slice(0, -'.json'.length)}` : e.name.slice(0, -'.json'.length)))
      .sort();
  }
}
