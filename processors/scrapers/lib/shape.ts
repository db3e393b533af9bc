// A tiny shape validator for source payloads: checks only the fields the pipeline uses and throws
// SourceFormatError ("schema drift") naming the first missing or mistyped field and where it came from.
//
//   Shape = 'string' | 'number' | 'integer' | 'boolean' | 'any' | 'string|number' …  (a type, or types joined by |)
//         | [Shape]                      an array whose every element has Shape
//         | { field: Shape, 'opt?': Shape }  an object; a key ending in ? may be missing or null
// A type ending in ? ('number?') allows null/undefined too.
import { SourceFormatError } from 'pipeline/processor';

export type Shape = string | readonly [Shape] | { readonly [field: string]: Shape };

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function matches(type: string, v: unknown): boolean {
  switch (type) {
    case 'any':
      return v !== undefined;
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeOf(v) === 'object';
    case 'null':
      return v === null;
    default:
      throw new Error(`shape: unknown type ${type}`);
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function check(v: unknown, shape: Shape, path: string): string | null {
  if (typeof shape === 'string') {
    const optional = shape.endsWith('?');
    if (optional && (v === null || v === undefined)) return null;
    const types = (optional ? shape.slice(0, -1) : shape).split('|');
    if (v === undefined) return `${path || 'the body'} is missing`;
    return types.some((t) => matches(t, v)) ? null : `${path || 'the body'} must be ${types.join(' or ')}, found ${typeOf(v)} ${show(v)}`;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(v)) return v === undefined ? `${path || 'the body'} is missing` : `${path || 'the body'} must be an array, found ${typeOf(v)} ${show(v)}`;
    for (let i = 0; i < v.length; i++) {
      const e = check(v[i], shape[0] as Shape, `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  }
  if (typeOf(v) !== 'object') return v === undefined ? `${path || 'the body'} is missing` : `${path || 'the body'} must be an object, found ${typeOf(v)} ${show(v)}`;
  const obj = v as Record<string, unknown>;
  for (const [rawKey, sub] of Object.entries(shape)) {
    const optional = rawKey.endsWith('?');
    const key = optional ? rawKey.slice(0, -1) : rawKey;
    const child = obj[key];
    const at = path ? `${path}.${key}` : key;
    if (optional && (child === undefined || child === null)) continue;
    const e = check(child, sub, at);
    if (e) return e;
  }
  return null;
}

/** Validate `value` against `shape`; on drift throw SourceFormatError naming the field and `where` (a URL or object path). */
export function expectShape<T>(value: unknown, shape: Shape, where: string): T {
  const problem = check(value, shape, '');
  if (problem) throw new SourceFormatError(`schema drift in ${where}: ${problem}`);
  return value as T;
}

/** stats.nba.com resultSets → rows keyed by header, for the named set; drift if the set or a needed header is missing. */
export function resultSetRows(body: unknown, name: string, headers: readonly string[], where: string): Array<Record<string, unknown>> {
  const sets = expectShape<{ resultSets: Array<{ name: string; headers: string[]; rowSet: unknown[][] }> }>(body, { resultSets: [{ name: 'string', headers: ['string'], rowSet: [['any?']] }] }, where).resultSets;
  const set = sets.find((s) => s.name === name);
  if (!set) throw new SourceFormatError(`schema drift in ${where}: resultSets has no set named ${name} (found ${sets.map((s) => s.name).join(', ') || 'none'})`);
  const missing = headers.filter((h) => !set.headers.includes(h));
  if (missing.length) throw new SourceFormatError(`schema drift in ${where}: resultSets[${name}].headers lacks ${missing.join(', ')}`);
  return set.rowSet.map((row, i) => {
    if (row.length !== set.headers.length) throw new SourceFormatError(`schema drift in ${where}: resultSets[${name}].rowSet[${i}] has ${row.length} values for ${set.headers.length} headers`);
    return Object.fromEntries(set.headers.map((h, j) => [h, row[j]]));
  });
}
