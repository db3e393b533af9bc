// YAML syntax errors → located diagnostics. The parser reports where it gave up, which for an unclosed
// `[`, `{` or quote is often lines below the mistake; such a construct is found in the parser's token
// tree and reported where it opened, with where the parser stopped as a related position.
import { Parser, type CST, type Document, type LineCounter } from 'yaml';
import { diagnostic, type Diagnostic } from './diagnostics.js';

/** At most this many YAML syntax errors are reported: after the first few, the rest is usually fallout. */
export const MAX_SYNTAX_ERRORS = 10;

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

type Opener = '[' | '{' | '"' | "'";

const OPENED: Record<Opener, { what: string; hint: string }> = {
  '[': { what: 'list opened with `[`', hint: 'close it with `]` where the list ends (before the next key), or write the items as `- item` lines' },
  '{': { what: 'mapping opened with `{`', hint: 'close it with `}` where the mapping ends (before the next key), or write it as indented `key: value` lines' },
  '"': { what: 'string opened with `"`', hint: 'close it with `"` where the value ends; inside double quotes write a quote as \\"' },
  "'": { what: "string opened with `'`", hint: "close it with `'` where the value ends; inside single quotes write a quote as ''" },
};

interface Unclosed {
  opener: Opener;
  start: number;
  /** Offset just past the last character the construct swallowed. */
  end: number;
}

export function syntaxDiagnostics(doc: Document, text: string, file: string, lines: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (offset: number) => ({ file, ...lines.linePos(offset) });
  const errors = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const fallout = new Set<(typeof errors)[number]>();
  for (const u of unclosed(text)) {
    const stop = errors.find((e) => e.pos[0] >= u.start);
    if (!stop) continue;
    // Fallout: the parser's errors inside the construct, and on the rest of the line where it gave up
    // (its recovery misreads that line).
    const lineEnd = text.indexOf('\n', stop.pos[0]);
    const until = Math.max(u.end, lineEnd < 0 ? text.length : lineEnd);
    for (const e of errors) if (e.pos[0] >= u.start && e.pos[0] <= until) fallout.add(e);
    const { what, hint } = OPENED[u.opener];
    const where = at(stop.pos[0]);
    const atEnd = stop.pos[0] >= text.trimEnd().length;
    out.push(diagnostic('PIPE001', at(u.start), `the ${what} here is never closed`, hint, [
      { line: where.line, col: where.col, message: atEnd ? `the file ends here, still inside the ${what}` : `the YAML parser gave up here, still inside the ${what}` },
    ]));
    if (out.length >= MAX_SYNTAX_ERRORS) return out;
  }

  const seenAt = new Set<number>();
  const multiline = new Set(errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  for (const err of errors) {
    if (out.length >= MAX_SYNTAX_ERRORS) break;
    if (fallout.has(err)) continue;
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
    if (/call stack/i.test(message)) {
      out.push(diagnostic('PIPE001', at(offset), 'the YAML nests too deeply to be read', 'a spec nests a few levels deep: remove the runaway brackets or indentation'));
      break;
    }
    out.push(diagnostic('PIPE001', at(offset), message, SYNTAX_HINTS[err.code] ?? 'fix the YAML syntax at this position (indentation, quoting, a missing colon)'));
  }
  return out;
}

/**
 * Flow collections without their closing bracket and quoted scalars without their closing quote, in
 * file order (the first few). A bracket around an unclosed quote is left out: its closer is most
 * likely inside the runaway string.
 */
function unclosed(text: string): Unclosed[] {
  let tokens: CST.Token[];
  try {
    tokens = [...new Parser().parse(text)];
  } catch {
    return [];
  }
  const found: { opener: Opener; start: number; token: CST.Token }[] = [];
  const stack: unknown[] = [...tokens];
  while (stack.length) {
    const t = stack.pop() as Partial<CST.Token> & Record<string, unknown>;
    if (!t || typeof t !== 'object') continue;
    if (t.type === 'flow-collection') {
      const f = t as CST.FlowCollection;
      const closer = f.start.source === '[' ? 'flow-seq-end' : 'flow-map-end';
      if (!f.end.some((e) => e.type === closer)) found.push({ opener: f.start.source as Opener, start: f.start.offset, token: f });
    } else if (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') {
      const s = t as CST.FlowScalar;
      const closed = s.type === 'double-quoted-scalar' ? /^"(?:[^"\\]|\\[\s\S])*"$/.test(s.source) : /^'(?:[^']|'')*'$/.test(s.source);
      if (!closed) found.push({ opener: s.source[0] as Opener, start: s.offset, token: s });
    }
    if (t.type === 'document') stack.push((t as CST.Document).value);
    else if ('items' in t && Array.isArray(t.items)) for (const item of t.items as CST.CollectionItem[]) stack.push(item.key, item.value);
  }
  found.sort((a, b) => a.start - b.start);
  const spans = found.slice(0, MAX_SYNTAX_ERRORS).map((f) => ({ opener: f.opener, start: f.start, end: extent(f.token) }));
  const quotes = spans.filter((s) => s.opener === '"' || s.opener === "'");
  return spans.filter((s) => s.opener === '"' || s.opener === "'" || !quotes.some((q) => q.start > s.start && q.start < s.end));
}

/** Offset just past the last source character of a token and everything in it (iterative: nesting can be deep). */
function extent(token: CST.Token): number {
  let end = token.offset;
  const stack: unknown[] = [token];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === 'object') {
      const o = v as { offset?: unknown; source?: unknown };
      if (typeof o.offset === 'number') end = Math.max(end, o.offset + (typeof o.source === 'string' ? o.source.length : 0));
      for (const inner of Object.values(v)) if (inner && typeof inner === 'object') stack.push(inner);
    }
  }
  return end;
}

export function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
