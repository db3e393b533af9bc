// Diagnostics: the catalogue of every spec problem the loader and checker report (one code each), and
// the renderer that prints them as `pipeline.yaml:14:5 error PIPE012 message`, a numbered code frame
// and a hint. Diagnostics are collected and returned, never thrown one by one.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
  /** Other places of the same file the problem involves (e.g. where the YAML parser stopped), each printed with its own frame. */
  related?: RelatedPosition[];
}

export interface RelatedPosition {
  line: number;
  col: number;
  message: string;
}

/** Every code, with its severity and what it means. Codes never change meaning once released. */
export const CATALOGUE = {
  PIPE001: { severity: 'error', title: 'YAML syntax error' },
  PIPE002: { severity: 'error', title: 'unknown key' },
  PIPE003: { severity: 'error', title: 'wrong type' },
  PIPE004: { severity: 'error', title: 'missing required key' },
  PIPE005: { severity: 'error', title: 'invalid value' },
  PIPE006: { severity: 'error', title: 'duplicate key' },
  PIPE007: { severity: 'error', title: 'unreadable file' },
  PIPE010: { severity: 'error', title: 'unknown table or collection' },
  PIPE011: { severity: 'error', title: 'unknown processor' },
  PIPE012: { severity: 'error', title: 'unknown phase' },
  PIPE013: { severity: 'error', title: 'unknown target' },
  PIPE014: { severity: 'error', title: 'output written by two processors' },
  PIPE015: { severity: 'error', title: 'read of a table nothing writes' },
  PIPE016: { severity: 'error', title: 'trigger that is not a read' },
  PIPE017: { severity: 'error', title: 'level-order violation' },
  PIPE018: { severity: 'error', title: 'gate member that can never complete' },
  PIPE019: { severity: 'warning', title: 'processor nothing can trigger' },
  PIPE020: { severity: 'error', title: 'duplicate topic' },
  PIPE021: { severity: 'error', title: 'cron expression does not parse' },
  PIPE022: { severity: 'error', title: 'invalid duration' },
  PIPE023: { severity: 'error', title: 'dependency cycle' },
  PIPE024: { severity: 'error', title: 'check on an unknown table or column' },
  PIPE025: { severity: 'error', title: 'key names an undeclared column' },
  PIPE026: { severity: 'error', title: 'table lacks the partition key column' },
  PIPE027: { severity: 'error', title: 'unknown entity kind' },
  PIPE028: { severity: 'error', title: 'entity column not declared' },
  PIPE029: { severity: 'error', title: 'external table written by a processor' },
  PIPE030: { severity: 'error', title: 'invalid outputs' },
  PIPE031: { severity: 'error', title: 'unknown bucket' },
  PIPE032: { severity: 'error', title: 'unknown alert sink' },
  PIPE033: { severity: 'error', title: 'duplicate phase number' },
  PIPE034: { severity: 'error', title: 'processor in more than one level' },
  PIPE035: { severity: 'error', title: 'scope the output cannot carry' },
  PIPE036: { severity: 'error', title: 'unknown time zone' },
  PIPE037: { severity: 'error', title: 'name used twice' },
  PIPE038: { severity: 'error', title: 'invalid read limits' },
  PIPE039: { severity: 'error', title: 'critical gate member not waited for' },
  PIPE040: { severity: 'error', title: 'invalid fan-out' },
  PIPE041: { severity: 'error', title: 'invalid check' },
  PIPE042: { severity: 'error', title: 'invalid schedule' },
  PIPE043: { severity: 'warning', title: 'processor module not found' },
  PIPE044: { severity: 'error', title: 'phase order violation' },
  PIPE045: { severity: 'error', title: 'invalid retry policy' },
  PIPE046: { severity: 'error', title: 'gate firing a gate' },
  PIPE047: { severity: 'error', title: 'run longer than a push can wait' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type Code = keyof typeof CATALOGUE;

export function diagnostic(
  code: Code,
  at: { file: string; line: number; col: number },
  message: string,
  hint?: string,
  related?: RelatedPosition[],
): Diagnostic {
  return {
    code, severity: CATALOGUE[code].severity, file: at.file, line: at.line, col: at.col, message,
    ...(hint ? { hint } : {}), ...(related?.length ? { related } : {}),
  };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Diagnostics in file order, so a reader fixes them top to bottom. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}

export interface RenderOptions {
  /** Source text per file, for the code frame. */
  sources?: Record<string, string>;
  color?: boolean;
}

/** `file:line:col severity CODE message`, then a numbered code frame and `hint:`. */
export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = d.severity === 'error' ? paint('31', 'error') : paint('33', 'warning');
  const out = [`${d.file}:${d.line}:${d.col} ${sev} ${d.code} ${d.message}`];
  const src = opts.sources?.[d.file];
  if (src !== undefined && d.line > 0) out.push(codeFrame(src, d.line, d.col));
  for (const r of d.related ?? []) {
    out.push(`  note: ${d.file}:${r.line}:${r.col} ${r.message}`);
    if (src !== undefined && r.line > 0) out.push(codeFrame(src, r.line, r.col));
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

export function renderDiagnostics(diags: readonly Diagnostic[], opts: RenderOptions = {}): string {
  const sorted = sortDiagnostics(diags);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.length - errors;
  const body = sorted.map((d) => renderDiagnostic(d, opts)).join('\n\n');
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return body ? `${body}\n\n${summary}` : summary;
}

/** The last source split into lines: a report renders many frames of the same file. */
let split: { src: string; lines: string[] } | undefined;

function codeFrame(src: string, line: number, col: number): string {
  if (split?.src !== src) split = { src, lines: src.split(/\r?\n/) };
  const lines = split.lines;
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const rows: string[] = [];
  for (let n = from; n <= to; n++) {
    const mark = n === line ? '>' : ' ';
    rows.push(`  ${mark} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) rows.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}^`);
  }
  return rows.join('\n');
}

/**
 * The candidate the author most likely meant, for "did you mean" hints; undefined when none is close.
 * In order: the same name but for case and separators (`Warn`, `new-york`); the closest within a few
 * edits (typos, swapped letters); a name that is part of the other (`warning` for `warn`,
 * `precompute_stage` for the stage `precompute`, `New_York` for `America/New_York`).
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...new Set(candidates)].filter((c) => c !== name);
  if (!name || !list.length) return undefined;
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const same = list.find((c) => squash(c) === squash(name));
  if (same !== undefined) return same;
  const lower = name.toLowerCase();
  const distance = new Map(list.map((c) => [c, editDistance(lower, c.toLowerCase())] as const));
  const closest = (among: string[]) => among.reduce<string | undefined>((best, c) => (best === undefined || distance.get(c)! < distance.get(best)! ? c : best), undefined);
  const best = closest(list)!;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  if (distance.get(best)! <= limit) return best;
  return closest(list.filter((c) => containsName(lower, c.toLowerCase())));
}

/** Whether the shorter of two lower-case names begins the longer, or all its words are words of the longer. */
function containsName(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 3) return false;
  if (long.startsWith(short)) return true;
  const words = (s: string) => s.split(/[^a-z0-9]+/).filter(Boolean);
  const longWords = new Set(words(long));
  const shortWords = words(short);
  return shortWords.length > 0 && shortWords.every((w) => longWords.has(w));
}

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
