// Adding entries to a pipeline.yaml without touching anything else in it. The `yaml` Document API
// finds where an entry goes (the node ranges of the map it joins); the new entry's lines are spliced
// into the text there. Re-printing the whole document would re-space every flow collection
// (`[a]` → `[ a ]`) and could move comments, so the rest of the file stays byte for byte as it was.
import { isMap, isScalar, LineCounter, parseDocument, type Pair, type YAMLMap } from 'yaml';

/** A YAML value rendered on one line: plain when it can be, quoted when it must. */
export function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return /^[A-Za-z_./][A-Za-z0-9_./ -]*$/.test(v) && !/[ ]$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v);
}

/** `{ a: 1, b: x }`: the flow-map style of the pipelines' column and read lines. */
export function flowMap(o: Record<string, string | number | boolean>): string {
  return `{ ${Object.entries(o).map(([k, v]) => `${k}: ${scalar(v)}`).join(', ')} }`;
}

/** `[a, b]`: the flow-sequence style of the pipelines' keys, scopes and triggers. */
export const flowSeq = (items: readonly string[]): string => `[${items.map(scalar).join(', ')}]`;

/** An entry to add: its key, and its value as lines relative to the key (one indent step = two spaces). */
export interface NewEntry {
  key: string;
  /** A value on the key's line (`key: value`), or nested lines below it. */
  inline?: string;
  lines?: string[];
}

export class SpecEditError extends Error {
  override name = 'SpecEditError';
}

/**
 * Adds `entry` to the block map at `path` of the spec's text, after the item `after` picks (default:
 * the last one), and returns the new text. The map must exist and be in block style.
 */
export function addMapEntry(text: string, path: readonly string[], entry: NewEntry, after?: (key: string, value: unknown) => boolean): string {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const map = doc.getIn(path, true);
  if (!isMap(map)) throw new SpecEditError(`${path.join('.')} is not a map in the spec`);
  if (map.flow) throw new SpecEditError(`${path.join('.')} is written in flow style ({ … }); write it as a block map to add to it`);
  const items = (map as YAMLMap).items as Pair[];
  if (items.some((p) => isScalar(p.key) && p.key.value === entry.key)) throw new SpecEditError(`${path.join('.')} already has ${entry.key}`);
  const pick = [...items].reverse().find((p) => !after || after(String(isScalar(p.key) ? p.key.value : p.key), p.value)) ?? items.at(-1);
  if (!pick || !pick.key || !(pick.value as { range?: number[] } | null)?.range) throw new SpecEditError(`${path.join('.')} is empty: add its first entry by hand`);
  const keyStart = (pick.key as { range: number[] }).range[0]!;
  const indent = lc.linePos(keyStart).col - 1;
  const value = pick.value as { range: number[] };
  const firstChild = isMap(pick.value) && !pick.value.flow ? ((pick.value as YAMLMap).items[0]?.key as { range?: number[] } | undefined)?.range?.[0] : undefined;
  const step = firstChild !== undefined ? lc.linePos(firstChild).col - 1 - indent : 2;
  const pad = (n: number) => ' '.repeat(indent + n * step);
  const out = [`${pad(0)}${entry.key}:${entry.inline !== undefined ? ` ${entry.inline}` : ''}`];
  for (const l of entry.lines ?? []) {
    const depth = l.match(/^ */)![0].length / 2;
    out.push(`${pad(1 + depth)}${l.trimStart()}`);
  }
  let at = value.range[1]!;
  // A value that ends the file without a newline: the entry goes on a line of its own.
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  if (at > text.length) at = text.length;
  const next = `${text.slice(0, at)}${lead}${out.join('\n')}\n${text.slice(at)}`;
  // The edit must keep every existing entry as it was: re-parse and compare the old content.
  const before = doc.toJS() as Record<string, unknown>;
  const reparsed = parseDocument(next);
  if (reparsed.errors.length) throw new SpecEditError(`the edited spec does not parse: ${reparsed.errors[0]!.message.split('\n')[0]}`);
  const afterJs = reparsed.toJS() as Record<string, unknown>;
  const added = afterJs && (path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], afterJs) as Record<string, unknown> | undefined);
  if (!added || !(entry.key in added)) throw new SpecEditError(`the entry ${entry.key} did not land in ${path.join('.')}`);
  delete added[entry.key];
  if (JSON.stringify(afterJs) !== JSON.stringify(before)) throw new SpecEditError(`adding ${entry.key} would change other entries of the spec`);
  return next;
}
