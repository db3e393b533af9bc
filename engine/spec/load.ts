// Loading: YAML text → a parsed document that remembers positions, schema-checked against the language.
// YAML syntax errors and schema errors both come back as located diagnostics; nothing throws.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { schemaDiagnostics } from './check-schema.js';
import { PIPELINE_SCHEMA } from './schema.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
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

  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  /** The pairs of a mapping by key (the first of repeated keys), built once per mapping. */
  private pairs(map: YAMLMap): Map<string, Pair> {
    let byKey = this.index.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items) {
        const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
        if (!byKey.has(k)) byKey.set(k, p as Pair);
      }
      this.index.set(map, byKey);
    }
    return byKey;
  }

  /** Position of the value at `path` (or of its key with `key: true`); falls back to the nearest parent. */
  at(path: readonly PathSeg[], opts: { key?: boolean } = {}): { file: string; line: number; col: number } {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let lastGood: unknown = node;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = this.pairs(node).get(String(seg));
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
  // verbose: errors carry their parent schema (allowed keys for did-you-mean, descriptions for hints).
  validator ??= new Ajv2020({ allErrors: true, strict: false, verbose: true }).compile(PIPELINE_SCHEMA);
  return validator;
}

/** At most this many YAML syntax errors are reported: after the first few, the rest is usually fallout. */
const MAX_SYNTAX_ERRORS = 10;

/** Parse and schema-check spec text. `spec` is set only when the text is valid YAML of the right shape. */
export function loadSpecText(text: string, file = 'pipeline.yaml'): Loaded {
  const lines = new LineCounter();
  let doc: Document;
  try {
    // Duplicate keys are found by duplicateKeys() below: the parser's own check is quadratic in map size.
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    // The parser reports its own errors; this is the last resort for one it throws instead.
    const empty = parseDocument('', { lineCounter: new LineCounter() });
    const source = new SourceMap(file, text, empty, lines);
    return { source, diagnostics: [diagnostic('PIPE001', { file, line: 1, col: 1 }, `the file cannot be read as YAML: ${firstLine(String((e as Error)?.message ?? e))}`, 'check that this is a YAML text file')] };
  }
  const source = new SourceMap(file, text, doc, lines);
  const diagnostics: Diagnostic[] = [];
  let data: unknown;
  try {
    diagnostics.push(...syntaxDiagnostics(doc, text, file, lines));
    if (!diagnostics.length) diagnostics.push(...duplicateKeys(doc, file, lines));
    if (diagnostics.length) return { source, diagnostics };
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Unresolved aliases and alias bombs throw while converting; they are syntax errors of the file.
    const message = firstLine(String((e as Error)?.message ?? e));
    const alias = /alias/i.test(message);
    let at = source.at([]);
    if (alias)
      visit(doc, {
        Alias(_, node) {
          if (node.resolve(doc) && !/count/i.test(message)) return undefined;
          const pos = lines.linePos(node.range?.[0] ?? 0);
          at = { file, line: pos.line, col: pos.col };
          return visit.BREAK;
        },
      });
    const deep = /call stack/i.test(message);
    diagnostics.push(diagnostic('PIPE001', at, deep ? 'the YAML nests too deeply to be read' : message,
      alias ? 'define the anchor (`&name`) before using the alias (`*name`), and do not nest aliases deeply' : deep ? 'a spec nests a few levels deep: remove the runaway nesting' : 'fix the YAML at this position'));
    return { source, diagnostics };
  }
  if (data === null || data === undefined) {
    diagnostics.push(diagnostic('PIPE003', source.at([]), 'the spec is empty', 'start from the reference pipeline.yaml: version, name, partition, datasets, phases, processors'));
    return { source, diagnostics };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(diagnostic('PIPE003', source.at([]), `the spec must be a YAML mapping, found ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}`,
      'write top-level `key: value` lines: version, name, partition, datasets, phases, processors'));
    return { source, diagnostics };
  }
  const check = validate();
  if (!check(data)) diagnostics.push(...schemaDiagnostics(check.errors ?? [], source, data));
  return diagnostics.length ? { source, diagnostics } : { spec: data as RawSpec, source, diagnostics };
}

const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'indent every key of a mapping to the same column, and close `{`/`[` before the next key',
  MULTILINE_IMPLICIT_KEY: 'align this line with the other keys of its mapping (it is indented as if it continued the line above)',
  BLOCK_AS_IMPLICIT_KEY: 'put a nested mapping on its own indented lines, or quote a value that contains `: `',
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs',
  MISSING_CHAR: 'close the quote or bracket opened before this position',
  MULTIPLE_DOCS: 'a spec is one YAML document: remove the `---` separator and what follows, or merge the documents',
  BAD_SCALAR_START: 'quote the value: it starts with a character YAML reserves',
  UNEXPECTED_TOKEN: 'remove or quote the unexpected character',
  BAD_ALIAS: 'define the anchor (`&name`) before using the alias (`*name`)',
};

function syntaxDiagnostics(doc: Document, text: string, file: string, lines: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seenAt = new Set<number>();
  const multiline = new Set(doc.errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  for (const err of doc.errors) {
    if (out.length >= MAX_SYNTAX_ERRORS) break;
    // "Nested mappings are not allowed" at the same spot as a multi-line key is the same mistake.
    if (err.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(err.pos[0])) continue;
    let offset = err.pos[0];
    let message = firstLine(err.message);
    if (err.code === 'MULTILINE_IMPLICIT_KEY') {
      // The mistake is the continuation line (usually over-indented), not the value it runs on from.
      const nl = text.indexOf('\n', err.pos[0]);
      if (nl >= 0 && nl < err.pos[1]) {
        offset = nl + 1 + (/^[ \t]*/.exec(text.slice(nl + 1))?.[0].length ?? 0);
        message = 'this line is indented deeper than the keys around it, so YAML reads it as part of the value above';
      }
    }
    if (err.code === 'MULTIPLE_DOCS') message = 'the file holds more than one YAML document (a `---` separator starts a second one)';
    if (seenAt.has(offset)) continue;
    seenAt.add(offset);
    const pos = lines.linePos(offset);
    if (/call stack/i.test(message)) {
      out.push(diagnostic('PIPE001', { file, line: pos.line, col: pos.col }, 'the YAML nests too deeply to be read', 'a spec nests a few levels deep: remove the runaway brackets or indentation'));
      break;
    }
    out.push(diagnostic('PIPE001', { file, line: pos.line, col: pos.col }, message, SYNTAX_HINTS[err.code] ?? 'fix the YAML syntax at this position (indentation, quoting, a missing colon)'));
  }
  return out;
}

/** Keys that are not plain names, and keys repeated in one mapping (at the repeat; one pass, a set per mapping). */
function duplicateKeys(doc: Document, file: string, lines: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const at = (pair.key as Node | null)?.range?.[0] ?? 0;
        if (pair.key !== null && !isScalar(pair.key)) {
          // `? [a, b]` keys: JSON has no such keys (and the parser would warn on stderr converting them).
          const pos = lines.linePos(at);
          out.push(diagnostic('PIPE001', { file, line: pos.line, col: pos.col }, 'a key must be a plain name, not a list, mapping or alias', 'write the key as a plain word, e.g. `name:`'));
          if (out.length >= MAX_SYNTAX_ERRORS) return visit.BREAK;
          continue;
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, at);
          continue;
        }
        const pos = lines.linePos(at);
        out.push(diagnostic('PIPE006', { file, line: pos.line, col: pos.col }, `key \`${key}\` appears twice in the same mapping (first on line ${lines.linePos(first).line})`,
          'keep one of the two entries, or rename one: YAML mappings cannot repeat a key'));
        if (out.length >= MAX_SYNTAX_ERRORS) return visit.BREAK;
      }
      return undefined;
    },
  });
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
