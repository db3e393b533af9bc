// Schema errors → located diagnostics. ajv reports every failing branch of a `oneOf` and several errors
// per value; this keeps the ones a reader can act on: the branch of the value's own type (a read written
// as a mapping is checked as a mapping, never "must be null"), one diagnostic per offending key or value,
// at that key or value, with a hint (a did-you-mean, the expected form, or the field's description).
import type { ErrorObject } from 'ajv';
import { diagnostic, didYouMean, type Code, type Diagnostic } from './diagnostics.js';
import type { PathSeg, SourceMap } from './source-map.js';

type Params = Record<string, unknown>;

/** Singular names of the things mappings hold, for messages about their keys. */
const KIND_OF_KEY: Record<string, string> = {
  datasets: 'dataset', tables: 'table', columns: 'column', processors: 'processor', gates: 'gate', stages: 'stage',
  schedules: 'schedule', checks: 'check', alerts: 'alert sink', entities: 'entity kind', buckets: 'bucket alias',
  objects: 'object collection', documents: 'document collection', phases: 'phase', reads: 'input',
};

export function schemaDiagnostics(errors: readonly ErrorObject[], source: SourceMap, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (code: Code, pos: { file: string; line: number; col: number }, message: string, hint: string) => {
    const sig = `${pos.line}:${pos.col}:${code}:${message}`;
    if (seen.has(sig)) return;
    seen.add(sig);
    out.push(diagnostic(code, pos, message, hint));
  };

  let pool = pruneOneOfBranches(errors).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');

  // A key that is not a valid name: ajv reports the inner error (with `propertyName`) and a
  // `propertyNames` wrapper; report once, at the key.
  for (const e of pool) {
    const name = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (name === undefined) continue;
    const path = pointerToPath(e.instancePath);
    const kind = KIND_OF_KEY[String(path[path.length - 1])] ?? 'key';
    const pattern = (e.params as Params).pattern as string | undefined;
    const form = pattern ? patternForm(pattern) : undefined;
    push('PIPE005', source.at([...path, name], { key: true }), `${kind} name \`${name}\` in ${describePath(path)} is not allowed${form ? `: it must be ${form}` : ''}`,
      pattern ? patternHint(pattern) : 'rename it');
  }
  pool = pool.filter((e) => (e as ErrorObject & { propertyName?: string }).propertyName === undefined && e.keyword !== 'propertyNames');

  // A misspelt required key is one mistake: `procesors:` is reported as an unknown key (with its
  // did-you-mean), not also as a missing `processors`.
  const misspelt = new Map<string, Set<string>>();
  for (const e of pool) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((e.parentSchema as { properties?: Params } | undefined)?.properties ?? {});
    const guess = didYouMean(String((e.params as Params).additionalProperty), allowed);
    if (guess) misspelt.set(e.instancePath, (misspelt.get(e.instancePath) ?? new Set()).add(guess));
  }

  const groups = new Map<string, ErrorObject[]>();
  for (const e of pool) {
    const p = e.params as Params;
    const k = `${e.instancePath}|${e.keyword === 'additionalProperties' ? `+${String(p.additionalProperty)}` : e.keyword === 'uniqueItems' ? `=${String(p.j)}` : ''}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  for (const group of groups.values()) {
    const path = pointerToPath(group[0]!.instancePath);
    const where = describePath(path);
    const found = valueAt(data, path);

    const missing = group.filter((e) => e.keyword === 'required').map((e) => String((e.params as Params).missingProperty));
    const required = missing.filter((k) => !misspelt.get(group[0]!.instancePath)?.has(k));
    if (missing.length && !required.length) continue;
    if (required.length) {
      const keys = required.map((k) => `\`${k}\``).join(', ');
      push('PIPE004', source.at(path, { key: true }), `${where} is missing the required key${required.length > 1 ? 's' : ''} ${keys}`,
        `add ${required.map((k) => `\`${k}:\``).join(' and ')} to ${where}`);
      continue;
    }
    const types = [...new Set(group.filter((e) => e.keyword === 'type').map((e) => String((e.params as Params).type)))];
    if (types.length > 1) {
      push('PIPE003', source.at(path), `${where} must be ${types.map(typeName).join(' or ')}, found ${kindOf(found)}`, types.map(typeHint).join('; or '));
      continue;
    }
    const e = pickError(group);
    const p = e.params as Params;
    const described = (e.parentSchema as { description?: string } | undefined)?.description;
    const last = path[path.length - 1];
    const description = described && (typeof last === 'string' ? `\`${last}\`: ${described}` : described);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const allowed = Object.keys((e.parentSchema as { properties?: Params } | undefined)?.properties ?? {});
        const guess = didYouMean(key, allowed);
        push('PIPE002', source.at([...path, key], { key: true }), `unknown key \`${key}\` in ${where}`,
          guess ? `did you mean \`${guess}\`?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : 'remove it');
        break;
      }
      case 'type': {
        const expected = String(p.type);
        push('PIPE003', source.at(path), `${where} must be ${typeName(expected)}, found ${kindOf(found)}`, typeHint(expected));
        break;
      }
      case 'enum': {
        const allowed = (p.allowedValues as unknown[]).map(String);
        const guess = typeof found === 'string' ? didYouMean(found, allowed) : undefined;
        push('PIPE005', source.at(path), `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, found ${JSON.stringify(found)}`,
          guess ? `did you mean \`${guess}\`?` : 'use one of the listed values');
        break;
      }
      case 'const':
        push('PIPE005', source.at(path), `${where} must be ${JSON.stringify(p.allowedValue)}, found ${JSON.stringify(found)}`, `set it to ${JSON.stringify(p.allowedValue)}`);
        break;
      case 'pattern': {
        const pattern = String(p.pattern);
        if (pattern.includes('ms|s|m|h|d'))
          push('PIPE022', source.at(path), `${where}: ${JSON.stringify(found)} is not a duration`, 'write a number and a unit: "30s", "10m", "12h", "7d"');
        else push('PIPE005', source.at(path), `${where}: ${JSON.stringify(found)} is not ${patternForm(pattern)}`, patternHint(pattern));
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
        push('PIPE005', source.at(path), `${where} must be ${op} ${String(p.limit)}, found ${JSON.stringify(found)}`, description ?? `use a value ${op} ${String(p.limit)}`);
        break;
      }
      case 'minItems':
        push('PIPE005', source.at(path), `${where} must list at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`, description ?? 'add items, or remove the key');
        break;
      case 'uniqueItems': {
        const j = Number(p.j);
        const item = Array.isArray(found) ? found[j] : undefined;
        push('PIPE005', source.at([...path, Math.max(Number(p.i), j)]), `${where} lists ${JSON.stringify(item)} twice`, 'remove the repeated item');
        break;
      }
      default:
        push('PIPE005', source.at(path), `${where} ${e.message ?? 'is invalid'}`, description ?? 'see the schema for the allowed values');
    }
  }
  return out;
}

/**
 * For each failing `oneOf`, drop the errors of the branches whose type does not match the value (e.g.
 * the `null` branch of a read written as a mapping), as long as some branch does match its type.
 */
export function pruneOneOfBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  // Index the failing oneOfs by schema path and value; each error finds the oneOfs it is a branch
  // error of by the `/oneOf/N/` segments of its schema path (linear in the number of errors).
  const oneOfs = new Map<string, { instancePath: string; branches: Map<string, ErrorObject[]>; mismatched: Set<string> }>();
  for (const o of errors) if (o.keyword === 'oneOf') oneOfs.set(`${o.schemaPath}|${o.instancePath}`, { instancePath: o.instancePath, branches: new Map(), mismatched: new Set() });
  if (!oneOfs.size) return [...errors];
  const prefixes = (pointer: string) => {
    const out = [''];
    for (let i = pointer.indexOf('/', 1); i >= 0; i = pointer.indexOf('/', i + 1)) out.push(pointer.slice(0, i));
    if (pointer) out.push(pointer);
    return out;
  };
  for (const e of errors) {
    const re = /\/oneOf\/(\d+)(?=\/|$)/g;
    for (let m = re.exec(e.schemaPath); m; m = re.exec(e.schemaPath)) {
      const schemaPrefix = e.schemaPath.slice(0, m.index + '/oneOf'.length);
      for (const ip of prefixes(e.instancePath)) {
        const o = oneOfs.get(`${schemaPrefix}|${ip}`);
        if (!o) continue;
        const n = m[1]!;
        o.branches.set(n, [...(o.branches.get(n) ?? []), e]);
        if (e.keyword === 'type' && e.instancePath === o.instancePath && e.schemaPath === `${schemaPrefix}/${n}/type`) o.mismatched.add(n);
      }
    }
  }
  const drop = new Set<ErrorObject>();
  for (const o of oneOfs.values()) {
    if (o.mismatched.size === 0 || o.mismatched.size === o.branches.size) continue;
    for (const n of o.mismatched) for (const e of o.branches.get(n) ?? []) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

function pickError(group: ErrorObject[]): ErrorObject {
  const order = ['additionalProperties', 'pattern', 'enum', 'const', 'type'];
  const rank = (e: ErrorObject) => {
    const i = order.indexOf(e.keyword);
    return i < 0 ? 50 : i;
  };
  return [...group].sort((a, b) => rank(a) - rank(b))[0]!;
}

export function pointerToPath(pointer: string): PathSeg[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `processors.count_games.reads["raw.games"].window`: keys holding dots or slashes are quoted. */
export function describePath(path: readonly PathSeg[]): string {
  if (!path.length) return 'the top level';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`))
    .join('');
}

function valueAt(data: unknown, path: readonly PathSeg[]): unknown {
  let v: unknown = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

function typeName(t: string): string {
  return { object: 'a mapping', array: 'a list', null: 'empty (nothing after the colon)', integer: 'an integer', string: 'a string', number: 'a number', boolean: 'a boolean' }[t] ?? `a ${t}`;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function typeHint(expected: string): string {
  switch (expected) {
    case 'object':
      return 'write a mapping: indented `key: value` lines, or `{ key: value }`';
    case 'array':
      return 'write a list: `[a, b]` or `- item` lines';
    case 'integer':
      return 'write a whole number without quotes';
    case 'number':
      return 'write a number without quotes';
    case 'boolean':
      return 'write true or false without quotes';
    case 'null':
      return 'leave the value empty (`raw.games:`) for the defaults';
    default:
      return `write ${typeName(expected)}`;
  }
}

/** What a pattern accepts, in words. */
function patternForm(pattern: string): string {
  if (pattern.startsWith('^([a-z]')) return 'a table (`dataset.table`) or a collection (`objects/NAME`, `documents/NAME`)';
  if (pattern.startsWith('^[a-z][a-z0-9_]*\\.')) return 'a table reference `dataset.table`';
  if (pattern === '^[0-9]+d$') return 'a number of days like "30d"';
  if (pattern.includes('[0-5][0-9]')) return 'a local time HH:MM';
  if (pattern.includes('a-z0-9-]')) return 'a name of lower-case letters, digits and dashes, starting with a letter';
  if (pattern === '^[a-z][a-z0-9_]*$') return 'a lower_snake_case name (lower-case letters, digits and underscores, starting with a letter)';
  if (pattern.startsWith('^[a-zA-Z]')) return 'a topic name: 3 to 255 letters, digits, dashes, dots or underscores, starting with a letter';
  return `of the form /${pattern}/`;
}

function patternHint(pattern: string): string {
  if (pattern.startsWith('^([a-z]') || pattern.startsWith('^[a-z][a-z0-9_]*\\.'))
    return 'reference a table as `dataset.table`, or a collection as `objects/NAME` / `documents/NAME`';
  if (pattern === '^[0-9]+d$') return 'write a number of days like "30d", or an object `{ days: 30 }`';
  if (pattern.includes('[0-5][0-9]')) return 'write a local time as HH:MM, e.g. "10:00" (00:00 to 23:59)';
  if (pattern.includes('a-z0-9-]')) return 'use lower-case letters, digits and dashes, starting with a letter';
  if (pattern === '^[a-z][a-z0-9_]*$') return 'use lower_snake_case, e.g. `daily_sales`';
  return `write a value of the form /${pattern}/`;
}
