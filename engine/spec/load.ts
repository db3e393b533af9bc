// Loading: YAML text → a parsed document that remembers positions, schema-checked against the language.
// YAML syntax errors and schema errors both come back as located diagnostics; nothing throws.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { PIPELINE_SCHEMA } from './schema.js';
import { diagnostic, didYouMean, type Code, type Diagnostic } from './diagnostics.js';
import type { RawSpec } from './types.js';

export type PathSeg = string | number;

/** Maps a path inside the spec back to a line and column of its file. */
export class SourceMap {
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path` (or of its key with `key: true`); falls back to the nearest parent. */
  at(path: readonly PathSeg[], opts: { key?: boolean } = {}): { file: string; line: number; col: number } {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let lastGood: unknown = node;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
      if (node) lastGood = node;
    }
    const target = (opts.key && keyNode ? keyNode : lastGood) as Node | undefined;
    const offset = target?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, col: pos.col };
  }
}

export interface Loaded {
  spec?: RawSpec;
  source: SourceMap;
  diagnostics: Diagnostic[];
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate() {
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(PIPELINE_SCHEMA);
  return validator;
}

/** Parse and schema-check spec text. `spec` is set only when the text is valid YAML of the right shape. */
export function loadSpecText(text: string, file = 'pipeline.yaml'): Loaded {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const source = new SourceMap(file, text, doc, lines);
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const pos = lines.linePos(err.pos[0]);
    const dup = err.code === 'DUPLICATE_KEY';
    diagnostics.push(
      diagnostic(
        dup ? 'PIPE006' : 'PIPE001',
        { file, line: pos.line, col: pos.col },
        dup ? 'this key appears twice in the same mapping' : firstLine(err.message),
        dup ? 'keep one of the two entries; YAML maps cannot repeat a key' : 'fix the YAML syntax at this position (indentation, quoting, a missing colon)',
      ),
    );
  }
  if (diagnostics.length) return { source, diagnostics };
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(diagnostic('PIPE003', { file, line: 1, col: 1 }, 'the spec must be a YAML mapping', 'start from the reference pipeline.yaml: version, name, partition, datasets, phases, processors'));
    return { source, diagnostics };
  }
  const check = validate();
  if (!check(data)) diagnostics.push(...schemaDiagnostics(check.errors ?? [], source, data));
  return diagnostics.length ? { source, diagnostics } : { spec: data as RawSpec, source, diagnostics };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function pointerToPath(pointer: string): PathSeg[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describePath(path: readonly PathSeg[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[') : 'the top level';
}

function valueAt(data: unknown, path: readonly PathSeg[]): unknown {
  let v: unknown = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

/** ajv errors → one diagnostic per location, keeping the most specific error (oneOf noise dropped). */
function schemaDiagnostics(errors: ErrorObject[], source: SourceMap, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // Branch errors of oneOf are reported at the same path as the specific error; prefer the specific.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  let pool = specific.length ? specific : errors;
  // A value that may be null or an object: when the object branch has errors, the null branch's
  // "must be null" is noise.
  pool = pool.filter((e) => !(e.keyword === 'type' && (e.params as { type: string }).type === 'null' && pool.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))));
  // For a `oneOf` value (e.g. a read that is null or an object), keep the object branch's errors.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of pool) {
    const k = e.instancePath + '|' + (e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : '');
    byPath.set(k, [...(byPath.get(k) ?? []), e]);
  }
  for (const [, group] of byPath) {
    const e = pickError(group);
    const path = pointerToPath(e.instancePath);
    const where = describePath(path);
    let code: Code = 'PIPE005';
    let message: string;
    let hint: string | undefined;
    let pos = source.at(path);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = allowedKeys(e);
        const guess = allowed.length ? didYouMean(key, allowed) : undefined;
        code = 'PIPE002';
        pos = source.at([...path, key], { key: true });
        message = `unknown key \`${key}\` in ${where}`;
        hint = guess ? `did you mean \`${guess}\`?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : 'remove it';
        break;
      }
      case 'required': {
        const key = (e.params as { missingProperty: string }).missingProperty;
        code = 'PIPE004';
        pos = source.at(path, { key: true });
        message = `${where} is missing the required key \`${key}\``;
        hint = `add \`${key}:\` to ${where}`;
        break;
      }
      case 'type': {
        code = 'PIPE003';
        const expected = (e.params as { type: string }).type;
        message = `${where} must be ${article(expected)} ${expected}, found ${kindOf(valueAt(data, path))}`;
        hint = typeHint(expected);
        break;
      }
      case 'enum':
        message = `${where} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}, found ${JSON.stringify(valueAt(data, path))}`;
        {
          const found = valueAt(data, path);
          const guess = typeof found === 'string' ? didYouMean(found, (e.params as { allowedValues: unknown[] }).allowedValues.map(String)) : undefined;
          hint = guess ? `did you mean \`${guess}\`?` : 'use one of the listed values';
        }
        break;
      case 'const':
        message = `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, found ${JSON.stringify(valueAt(data, path))}`;
        hint = `set it to ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'pattern': {
        const found = valueAt(data, path);
        const pattern = (e.params as { pattern: string }).pattern;
        if (pattern.includes('ms|s|m|h|d')) {
          code = 'PIPE022';
          message = `${where}: ${JSON.stringify(found)} is not a duration`;
          hint = 'write a number and a unit: "30s", "10m", "12h", "7d"';
        } else {
          message = `${where}: ${JSON.stringify(found)} does not match the expected form`;
          hint = patternHint(pattern);
        }
        break;
      }
      case 'propertyNames': {
        message = `${where} has a name that is not allowed`;
        hint = 'names are lower-case letters, digits and underscores, starting with a letter';
        break;
      }
      default:
        message = `${where} ${e.message ?? 'is invalid'}`;
        hint = undefined;
    }
    const sig = `${pos.line}:${pos.col}:${code}:${message}`;
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(diagnostic(code, pos, message, hint));
  }
  return out;
}

function pickError(group: ErrorObject[]): ErrorObject {
  const order = ['additionalProperties', 'required', 'pattern', 'enum', 'const', 'type'];
  return [...group].sort((a, b) => rank(a) - rank(b))[0]!;
  function rank(e: ErrorObject) {
    // A `type: null` failure is the null branch of a oneOf: least informative.
    if (e.keyword === 'type' && (e.params as { type: string }).type === 'null') return 100;
    const i = order.indexOf(e.keyword);
    return i < 0 ? 50 : i;
  }
}

function allowedKeys(e: ErrorObject): string[] {
  const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ? Object.keys(schema.properties) : [];
}

function article(word: string) {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function typeHint(expected: string): string {
  switch (expected) {
    case 'object':
      return 'write a mapping: indented `key: value` lines';
    case 'array':
      return 'write a list: `[a, b]` or `- item` lines';
    case 'integer':
      return 'write a whole number without quotes';
    case 'number':
      return 'write a number without quotes';
    case 'boolean':
      return 'write true or false without quotes';
    default:
      return `write ${article(expected)} ${expected}`;
  }
}

function patternHint(pattern: string): string {
  if (pattern.startsWith('^[a-z][a-z0-9_]*\\.')) return 'reference a table as `dataset.table`, or a collection as `objects/NAME` / `documents/NAME`';
  if (pattern === '^[0-9]+d$') return 'write a number of days like "30d", or an object `{ days: 30 }`';
  if (pattern.includes('{date}')) return 'the path must contain {date}, the partition placeholder';
  if (pattern.includes('[0-5][0-9]')) return 'write a local time as HH:MM, e.g. "10:00"';
  if (pattern.includes('a-z0-9-')) return 'use lower-case letters, digits and dashes, starting with a letter';
  return `expected the form /${pattern}/`;
}
