// Loading: YAML text → a parsed document that remembers positions, schema-checked against the language.
// YAML syntax errors and schema errors both come back as located diagnostics; nothing throws.
// A spec with schema errors is still handed on, cut down to the part that passed (recover.ts).
import { isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { SourceMap, type PathSeg } from './source-map.js';
import { schemaDiagnostics } from './check-schema.js';
import { schemaValidator } from './schema-validator.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { Recovery, recoverSpec, UNNAMED_KEY } from './recover.js';
import type { RawSpec } from './types.js';
import { firstLine, MAX_SYNTAX_ERRORS, syntaxDiagnostics } from './yaml-syntax.js';

export interface Loaded {
  /**
   * The spec, schema-valid. When the text had schema errors, the part that passed (see `recovery`);
   * undefined when nothing can be checked further (a YAML syntax error, or not a mapping at all).
   */
  spec?: RawSpec;
  source: SourceMap;
  diagnostics: Diagnostic[];
  /** What the schema errors cut from `spec`, for the later checks to skip the consequences of. */
  recovery: Recovery;
}

/** Parse and schema-check spec text. */
export function loadSpecText(text: string, file = 'pipeline.yaml'): Loaded {
  const lines = new LineCounter();
  const recovery = new Recovery();
  let doc: Document;
  try {
    // Duplicate keys are found by duplicateKeys() below: the parser's own check is quadratic in map size.
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    // The parser reports its own errors; this is the last resort for one it throws instead.
    const empty = parseDocument('', { lineCounter: new LineCounter() });
    const source = new SourceMap(file, text, empty, lines);
    return { source, recovery, diagnostics: [diagnostic('PIPE001', { file, line: 1, col: 1 }, `the file cannot be read as YAML: ${firstLine(String((e as Error)?.message ?? e))}`, 'check that this is a YAML text file')] };
  }
  const source = new SourceMap(file, text, doc, lines);
  const diagnostics: Diagnostic[] = [];
  let data: unknown;
  try {
    diagnostics.push(...syntaxDiagnostics(doc, text, file, lines));
    // After a syntax error the parser's guess at the rest is not what was written: stop here.
    if (diagnostics.length) return { source, diagnostics, recovery };
    // Repeated and non-scalar keys are reported and left out; the rest is checked in the same pass.
    diagnostics.push(...duplicateKeys(doc, file, lines, recovery));
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
    return { source, diagnostics, recovery };
  }
  if (data === null || data === undefined) {
    diagnostics.push(diagnostic('PIPE003', source.at([]), 'the spec is empty', 'start from the reference pipeline.yaml: version, name, partition, datasets, phases, processors'));
    return { source, diagnostics, recovery };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(diagnostic('PIPE003', source.at([]), `the spec must be a YAML mapping, found ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}`,
      'write top-level `key: value` lines: version, name, partition, datasets, phases, processors'));
    return { source, diagnostics, recovery };
  }
  const check = schemaValidator();
  if (check(data)) return { spec: data as RawSpec, source, diagnostics, recovery };
  const errors = [...(check.errors ?? [])];
  diagnostics.push(...schemaDiagnostics(errors, source, data));
  const recovered = recoverSpec(data as Record<string, unknown>, errors, check, recovery);
  return recovered ? { spec: recovered.spec as unknown as RawSpec, source, diagnostics, recovery: recovered.recovery } : { source, diagnostics, recovery };
}

/**
 * Keys that are not plain names, and keys repeated in one mapping (at the repeat; one pass, a set per
 * mapping). The offending pairs are removed from the document, so the first of repeated keys is the
 * one checked, as it is the one positions point at.
 */
function duplicateKeys(doc: Document, file: string, lines: LineCounter, recovery: Recovery): Diagnostic[] {
  const out: Diagnostic[] = [];
  const drop: { map: YAMLMap; pair: unknown }[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      const path = dataPath(ancestors, map);
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const at = (pair.key as Node | null)?.range?.[0] ?? 0;
        if (pair.key !== null && !isScalar(pair.key)) {
          // `? [a, b]` keys: JSON has no such keys (and the parser would warn on stderr converting them).
          const pos = lines.linePos(at);
          drop.push({ map, pair });
          recovery.record([...path, UNNAMED_KEY], plain(pair.value));
          if (out.length < MAX_SYNTAX_ERRORS) out.push(diagnostic('PIPE001', { file, line: pos.line, col: pos.col }, 'a key must be a plain name, not a list, mapping or alias', 'write the key as a plain word, e.g. `name:`'));
          continue;
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, at);
          continue;
        }
        const pos = lines.linePos(at);
        drop.push({ map, pair });
        recovery.record([...path, key], plain(pair.value));
        if (out.length < MAX_SYNTAX_ERRORS)
          out.push(diagnostic('PIPE006', { file, line: pos.line, col: pos.col }, `key \`${key}\` appears twice in the same mapping (first on line ${lines.linePos(first).line})`,
            'keep one of the two entries, or rename one: YAML mappings cannot repeat a key'));
      }
      return undefined;
    },
  });
  for (const { map, pair } of drop) map.items.splice(map.items.indexOf(pair as Pair), 1);
  return out;
}

/** A node's value as plain data, for what a removed pair mentioned; undefined when it cannot be had alone (aliases). */
function plain(v: unknown): unknown {
  try {
    return isNode(v) ? v.toJSON() : v;
  } catch {
    return undefined;
  }
}

/** The path in the data of a node, from its ancestors as `visit` gives them. */
function dataPath(ancestors: readonly unknown[], node: unknown): PathSeg[] {
  const chain = [...ancestors, node];
  const out: PathSeg[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i];
    if (isPair(a)) out.push(isScalar(a.key) ? String(a.key.value) : String(a.key));
    else if (isSeq(a)) out.push(a.items.indexOf(chain[i + 1] as never));
  }
  return out;
}
