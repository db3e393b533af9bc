// How the ports' ids and plain-JSON documents become Firestore document ids and values, reversibly.
//
// Ids. The engine's ids contain `|`, `.` and `/` (`objects/exports|2025-11-15`); a Firestore
// document id cannot contain `/`, cannot be `.` or `..`, cannot match `__.*__` and is at most 1500
// bytes. `encodeId` percent-escapes exactly what Firestore refuses, and `%` itself so decoding is
// unambiguous: `%` → `%25`, `/` → `%2F`, an id of `.`/`..` → `%2E`/`%2E%2E`, the leading `_` of an
// id shaped `__x__` → `%5F`. Everything else is kept as is, so ids stay readable in the console:
// `objects/exports|2025-11-15` → `objects%2Fexports|2025-11-15`.
//
// Values. A document is stored as plain JSON would store it (the local backends serialize with
// JSON.stringify, so undefined fields vanish, Dates become ISO text, NaN becomes null), with the
// three JSON shapes Firestore cannot hold rewritten reversibly:
//   - an array directly inside an array → `{ "~a": [...] }` (Firestore forbids nested arrays);
//   - a map key that is empty or shaped `__x__` (reserved) → prefixed with `~`;
//   - a map key that starts with `~` → one more `~` (so the two rules above stay unambiguous).
import type { DocumentData } from '@google-cloud/firestore';

const ESCAPE = /[%/]/g;
const RESERVED_ID = /^__.*__$/;
const MAX_ID_BYTES = 1500;

export function encodeId(id: string): string {
  if (id === '') throw new Error('a Firestore document id cannot be empty');
  let out = id.replace(ESCAPE, (c) => (c === '%' ? '%25' : '%2F'));
  if (out === '.' || out === '..') out = out.replace(/\./g, '%2E');
  else if (RESERVED_ID.test(out)) out = `%5F${out.slice(1)}`;
  if (Buffer.byteLength(out, 'utf8') > MAX_ID_BYTES) {
    throw new Error(`id "${id.slice(0, 80)}…" is longer than Firestore's ${MAX_ID_BYTES}-byte limit once escaped`);
  }
  return out;
}

export function decodeId(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ARRAY_WRAPPER = '~a';
const RESERVED_KEY = /^__.*__$/;

export function encodeKey(key: string): string {
  return key === '' || RESERVED_KEY.test(key) || key.startsWith('~') ? `~${key}` : key;
}

export function decodeKey(key: string): string {
  return key.startsWith('~') ? key.slice(1) : key;
}

function encodeValue(v: unknown, inArray: boolean): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => encodeValue(x, true));
    return inArray ? { [ARRAY_WRAPPER]: items } : items;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[encodeKey(k)] = encodeValue(x, false);
    return out;
  }
  return v;
}

function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v !== null && typeof v === 'object') {
    // Values we never write (Timestamp, GeoPoint, references) may come from other writers: JSON-ify.
    if (typeof (v as { toDate?: unknown }).toDate === 'function') return (v as { toDate(): Date }).toDate().toISOString();
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === ARRAY_WRAPPER && Array.isArray((v as Record<string, unknown>)[ARRAY_WRAPPER])) {
      return ((v as Record<string, unknown>)[ARRAY_WRAPPER] as unknown[]).map(decodeValue);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[decodeKey(k)] = decodeValue(x);
    return out;
  }
  return v;
}

/** A plain JSON object as Firestore document data (see the header for the rewrites). */
export function toFirestore(doc: object, what: string): DocumentData {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what}: a document must be a plain object`);
  const json = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  return encodeValue(json, false) as DocumentData;
}

export function fromFirestore<T>(data: DocumentData | undefined): T | undefined {
  return data === undefined ? undefined : (decodeValue(data) as T);
}
