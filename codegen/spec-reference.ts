// docs/spec-reference.md: every key of pipeline.yaml with its type, default and description, rendered
// from the spec's JSON Schema (engine/spec/schema.ts), so the reference cannot drift from what the
// loader accepts. One section per top-level key; nested keys are written as dotted paths, and the
// names a map chooses (a processor's, a table's) as `<processor>`, `<table>`.
import { PIPELINE_SCHEMA } from '../engine/spec/schema.js';
import { markdownFile } from './formats.js';

export const SPEC_REFERENCE_PATH = 'docs/spec-reference.md';

type Schema = { readonly [k: string]: unknown };

interface Row {
  key: string;
  type: string;
  dflt: string;
  description: string;
}

const props = (s: Schema) => (s.properties ?? {}) as Record<string, Schema>;
const isMap = (s: Schema) => s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object';
const isObject = (s: Schema) => s.type === 'object' && !!s.properties;

/** The placeholder for a map's keys, from the map's own name: `processors` → `<processor>`. */
function placeholder(mapKey: string, s: Schema): string {
  const names = (s.propertyNames as Schema | undefined)?.pattern;
  if (typeof names === 'string' && names.includes('objects|documents')) return '<asset>';
  if (mapKey === 'entities') return '<entity>';
  return `<${mapKey.replace(/ies$/, 'y').replace(/s$/, '')}>`;
}

function typeOf(s: Schema): string {
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (Array.isArray(s.oneOf)) return (s.oneOf as Schema[]).map(typeOf).join(' or ');
  switch (s.type) {
    case 'array':
      return `list of ${typeOf((s.items as Schema) ?? {})}`;
    case 'object':
      return isMap(s) ? 'map' : 'mapping';
    case 'string':
      return String(s.description ?? '').includes('A duration:') ? 'duration' : 'string';
    case 'null':
      return 'empty';
    case undefined:
      return 'any';
    default:
      return String(s.type);
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const dfltOf = (s: Schema) => ('default' in s ? `\`${JSON.stringify(s.default)}\`` : '');

const DURATION_SENTENCE = / A duration: a number and a unit \([^)]*\), e\.g\. [^.]*\./g;

/** A node's description (or its first alternative's), without the duration sentence the intro states once. */
function describe(s: Schema): string {
  const alts = ((s.oneOf as Schema[] | undefined) ?? []).map((x) => x.description).filter(Boolean);
  return [s.description, ...alts.map((d, i) => (i || s.description ? `Or: ${String(d)}` : d))].filter(Boolean).join(' ').replace(DURATION_SENTENCE, '');
}

/** The rows of one schema node and everything under it. */
function rows(key: string, s: Schema, out: Row[], required = false): void {
  const description = `${required ? '**Required.** ' : ''}${describe(s)}`;
  out.push({ key, type: typeOf(s), dflt: dfltOf(s), description });
  if (isMap(s)) {
    const name = placeholder(key.split('.').pop()!, s);
    const value = s.additionalProperties as Schema;
    if (isObject(value) || isMap(value) || Array.isArray(value.oneOf)) rows(`${key}.${name}`, value, out);
    else out.push({ key: `${key}.${name}`, type: typeOf(value), dflt: dfltOf(value), description: describe(value) });
    return;
  }
  for (const alt of (s.oneOf as Schema[] | undefined) ?? []) if (isObject(alt)) children(key, alt, out);
  if (isObject(s)) children(key, s, out);
}

function children(key: string, s: Schema, out: Row[]): void {
  const req = new Set((s.required as string[] | undefined) ?? []);
  for (const [k, v] of Object.entries(props(s))) rows(`${key}.${k}`, v, out, req.has(k));
}

export function specReference(schema: Schema = PIPELINE_SCHEMA): string {
  const top = props(schema);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const lines = [
    '# pipeline.yaml reference',
    '',
    `${String(schema.description)} Every key below comes from the JSON Schema the loader validates with`,
    '(`schema/pipeline.schema.json`, which editors also use for completion); `<processor>`, `<table>` and the like',
    'stand for names you choose. Durations are a number and a unit (`ms`, `s`, `m`, `h`, `d`), e.g. `"10m"`.',
    '',
    '| key | type | default | |',
    '| --- | --- | --- | --- |',
    ...Object.keys(top).map((k) => `| [\`${k}\`](#${k}) | ${typeOf(top[k]!)} | ${required.has(k) ? 'required' : ''} | ${cell(describe(top[k]!))} |`),
  ];
  for (const [k, s] of Object.entries(top)) {
    const out: Row[] = [];
    rows(k, s, out, required.has(k));
    lines.push('', `## ${k}`, '', '| key | type | default | description |', '| --- | --- | --- | --- |');
    for (const r of out) lines.push(`| \`${r.key}\` | ${r.type} | ${r.dflt} | ${cell(r.description)} |`);
  }
  return markdownFile(lines.join('\n'));
}

export function specReferenceFiles(): Record<string, string> {
  return { [SPEC_REFERENCE_PATH]: specReference() };
}
