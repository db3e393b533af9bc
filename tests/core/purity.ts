// The purity rule of engine/core (ARCHITECTURE.md §1.4): the decision core takes (plan, state, event,
// now) and returns decisions, so it may import nothing but its own files and the pure parts of the
// spec, and may not read the clock, the environment or a random source. Like Temporal's determinism
// checks, each finding says where such code belongs instead.
//
// The scan masks comments and the inside of string, template and regex literals first (keeping every
// offset), so "import node:crypto" in a comment or 'Date.now()' in a message is not a finding, while
// `${Date.now()}` inside a template is.
import { builtinModules } from 'node:module';

export interface Finding {
  file: string;
  line: number;
  col: number;
  message: string;
  hint: string;
}

/** Imports the core may make besides its own files (`./x.js`): pure, I/O-free spec modules. */
export const ALLOWED_OUTSIDE = ['../spec/plan.js', '../spec/duration.js'];

const RUNTIME_HINT = 'the core is pure — (plan, state, event, now) → decisions; do I/O in the runtime (engine/runtime) through the ports and pass the results in';
const CLOCK_HINT = 'take `now` as an argument: the runtime reads the Clock port (engine/runtime) and passes it to the core';
const RANDOM_HINT = 'ids and randomness come from the runtime (engine/runtime: engine.newId()) and are passed in; the core must give the same answer twice';
const ENV_HINT = 'configuration comes from the Plan; the environment is read by the runtime/service (engine/runtime) and passed in';
const TIMER_HINT = 'the core never waits: return a decision (e.g. wait with a deadline) and let the runtime (engine/runtime) schedule the retry';

const FORBIDDEN: { re: RegExp; what: string; hint: string }[] = [
  { re: /\bprocess\s*\.\s*env\b/g, what: 'reads process.env', hint: ENV_HINT },
  { re: /\bprocess\s*\.\s*(?!env\b)\w+/g, what: 'touches the process object', hint: RUNTIME_HINT },
  { re: /\bDate\s*\.\s*now\s*\(/g, what: 'reads the clock with Date.now()', hint: CLOCK_HINT },
  { re: /\bnew\s+Date\s*\(\s*\)/g, what: 'reads the clock with new Date()', hint: CLOCK_HINT },
  { re: /(?<![\w$.]|new\s+)Date\s*\(\s*\)/g, what: 'reads the clock with Date()', hint: CLOCK_HINT },
  { re: /\bperformance\s*\.\s*now\b/g, what: 'reads the clock with performance.now', hint: CLOCK_HINT },
  { re: /\bMath\s*\.\s*random\s*\(/g, what: 'draws Math.random()', hint: RANDOM_HINT },
  { re: /\bcrypto\s*\.\s*(randomUUID|getRandomValues)\b/g, what: 'draws crypto randomness', hint: RANDOM_HINT },
  { re: /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/g, what: 'schedules a timer', hint: TIMER_HINT },
];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

/** Every finding in one file's source. */
export function checkPurity(file: string, source: string): Finding[] {
  const code = maskSource(source);
  const findings: Finding[] = [];
  const add = (index: number, message: string, hint: string) => {
    const { line, col } = position(source, index);
    findings.push({ file, line, col, message, hint });
  };

  for (const { index, specifier } of importsOf(source, code)) {
    if (specifier === undefined) add(index, 'imports a computed module name', RUNTIME_HINT);
    else if (specifier.startsWith('node:') || BUILTINS.has(specifier)) add(index, `imports the Node built-in '${specifier}'`, RUNTIME_HINT);
    else if (specifier.startsWith('./') && !specifier.slice(2).includes('/')) continue;
    else if (ALLOWED_OUTSIDE.includes(specifier)) continue;
    else if (specifier.startsWith('.')) add(index, `imports '${specifier}', outside the pure core (allowed: ./*.js, ${ALLOWED_OUTSIDE.join(', ')})`, RUNTIME_HINT);
    else add(index, `imports the package '${specifier}'`, RUNTIME_HINT);
  }
  for (const { re, what, hint } of FORBIDDEN) for (const m of code.matchAll(re)) add(m.index!, what, hint);
  return findings.sort((a, b) => a.line - b.line || a.col - b.col);
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.col} ${f.message}\n  hint: ${f.hint}`;
}

/** Module specifiers of static imports, re-exports, side-effect imports, import() and require(). */
function importsOf(source: string, code: string): { index: number; specifier?: string }[] {
  const out: { index: number; specifier?: string }[] = [];
  const literalAt = (quote: number) => {
    const close = code.indexOf(code[quote]!, quote + 1);
    return close < 0 ? undefined : source.slice(quote + 1, close);
  };
  const patterns = [
    /(?<![\w$.])(?:import|export)\s+(?:type\s+)?[^;'"`()]*?\bfrom\s*(['"])/g,
    /(?<![\w$.])import\s*(['"])/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push({ index: m.index!, specifier: literalAt(m.index! + m[0].length - 1) });
  for (const m of code.matchAll(/(?<![\w$.])(?:import|require)\s*\(\s*(['"`]?)/g)) {
    const quote = m[1] ? m.index! + m[0].length - 1 : -1;
    const specifier = quote >= 0 ? literalAt(quote) : undefined;
    out.push({ index: m.index!, specifier: specifier !== undefined && !specifier.includes('${') ? specifier : undefined });
  }
  return out.sort((a, b) => a.index - b.index);
}

function position(source: string, index: number): { line: number; col: number } {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

/**
 * The source with comments blanked and the contents of string, template and regex literals blanked
 * (delimiters and `${…}` code kept), every offset and newline where it was.
 */
export function maskSource(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  /** Open `${` of templates, each with the brace depth of the code inside it. */
  const templates: number[] = [];
  let depth = 0;
  let prev = ''; // last significant code character, for telling a regex from a division

  const template = () => {
    // i is just after a ` or a } closing ${…}; scan to the closing ` or the next ${.
    const start = i;
    while (i < src.length) {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '`') {
        blank(start, i);
        i++;
        prev = '`';
        return;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        blank(start, i);
        i += 2;
        templates.push(depth);
        depth = 0;
        prev = '{';
        return;
      } else i++;
    }
    blank(start, i);
  };

  while (i < src.length) {
    const c = src[i]!;
    const n = src[i + 1];
    if (c === '/' && n === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      prev = c;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '/' && regexCanStart(src, i, prev)) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        if (src[j] === '\\') j += 2;
        else if (src[j] === '[') (inClass = true), j++;
        else if (src[j] === ']') (inClass = false), j++;
        else if (src[j] === '/' && !inClass) break;
        else j++;
      }
      blank(i + 1, j);
      i = j + 1;
      prev = '/';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0 && templates.length) {
          depth = templates.pop()!;
          i++;
          template();
          continue;
        }
        depth--;
      }
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out.join('');
}

function regexCanStart(src: string, i: number, prev: string): boolean {
  if (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev)) return true;
  if (/[\w$]/.test(prev)) {
    const word = /[\w$]+$/.exec(src.slice(0, i).trimEnd())?.[0] ?? '';
    return REGEX_AFTER_WORD.has(word);
  }
  return false;
}
