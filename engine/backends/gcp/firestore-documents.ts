// The production DocumentStore on Firestore: published documents for real-time readers.
//
// Mapping. A document path (`predictions/2025-11-15`, `predictions/daily/2025-11-15`, `status`) may
// have any number of segments, while a Firestore document path needs an even number. So every
// document lives in a top-level collection named after its PARENT path, with the last segment as its
// id: `{prefix}docs_{escape(parent)}` / `{escape(last)}`, where escape is the state store's id
// escaping (`/` → `%2F`, `%` → `%25`, ...). A path with one segment has the parent `` → the collection
// `{prefix}docs_`. Examples (prefix `pipeline_`):
//   predictions/2025-11-15        → pipeline_docs_predictions / 2025-11-15
//   predictions/daily/2025-11-15  → pipeline_docs_predictions%2Fdaily / 2025-11-15
//   tonight/player/lebron_james   → pipeline_docs_tonight%2Fplayer / lebron_james
// It is reversible (the parent is decoded from the collection id), `list(parent)` is one listing of
// one collection, and a reader finds a document from its path with `documentLocation`.
// Documents are stored as plain JSON with the rewrites of firestore-encoding.ts (nested arrays and
// reserved keys only); undefined fields are dropped.
import { Firestore } from '@google-cloud/firestore';
import type { DocumentStore } from '../../ports.js';
import { decodeId, encodeId, fromFirestore, toFirestore } from './firestore-encoding.js';

export interface FirestoreDocumentOptions {
  firestore?: Firestore;
  projectId?: string;
  /** Prefix of the collection names (default `pipeline_`). */
  prefix?: string;
}

function segments(path: string, what: string, allowEmpty = false): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') {
    if (allowEmpty) return [];
    throw new Error(`${what} must not be empty`);
  }
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '')) throw new Error(`${what} "${path}" has an empty segment`);
  return parts;
}

/** Where a document path lives: the Firestore collection id and document id. */
export function documentLocation(path: string, prefix = 'pipeline_'): { collection: string; id: string } {
  const parts = segments(path, 'document path');
  const last = parts.pop()!;
  return { collection: collectionFor(parts.join('/'), prefix), id: encodeId(last) };
}

function collectionFor(parent: string, prefix: string): string {
  return `${prefix}docs_${parent === '' ? '' : encodeId(parent)}`;
}

export class FirestoreDocumentStore implements DocumentStore {
  readonly firestore: Firestore;
  private readonly prefix: string;
  private readonly ownsClient: boolean;
  private readonly counts = { reads: 0, writes: 0, lists: 0 };

  constructor(opts: FirestoreDocumentOptions = {}) {
    this.ownsClient = !opts.firestore;
    this.firestore = opts.firestore ?? new Firestore({ projectId: opts.projectId });
    this.prefix = opts.prefix ?? 'pipeline_';
  }

  ops(): { reads: number; writes: number; lists: number } {
    return { ...this.counts };
  }

  private ref(path: string) {
    const loc = documentLocation(path, this.prefix);
    return this.firestore.collection(loc.collection).doc(loc.id);
  }

  async put(path: string, doc: Record<string, unknown>): Promise<void> {
    const data = toFirestore(doc, `document ${path}`);
    await this.ref(path).set(data);
    this.counts.writes++;
  }

  async get(path: string): Promise<Record<string, unknown> | undefined> {
    const snap = await this.ref(path).get();
    this.counts.reads++;
    return fromFirestore<Record<string, unknown>>(snap.data());
  }

  /** Paths of the documents directly under `collectionPath`, sorted. */
  async list(collectionPath: string): Promise<string[]> {
    const parent = segments(collectionPath, 'collection path', true).join('/');
    const refs = await this.firestore.collection(collectionFor(parent, this.prefix)).listDocuments();
    this.counts.lists++;
    // listDocuments also returns "missing" documents (ones with only subcollections): we never make those.
    return refs.map((r) => (parent ? `${parent}/${decodeId(r.id)}` : decodeId(r.id))).sort();
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.firestore.terminate();
  }
}
