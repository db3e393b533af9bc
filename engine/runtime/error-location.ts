// Where a processor's error came from: its stack cut to the pipeline's own frames (outside `engine/`,
// `node_modules` and Node's internals), paths relative to the spec's folder, the first frame as
// `file:line:col`. Under tsx (and any loader that registers source maps) the positions are the `.ts`
// file's. The run record, the execution log, the CLI, `explain`, the DLQ reason and the status page
// all show these, so a bug in a processor is reported where it is.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The engine's own folder: frames in it are the engine calling the processor, not the bug. */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How many of the pipeline's frames are kept (the first is where it threw). */
const MAX_FRAMES = 8;

export interface ErrorLocation {
  /** `processors/analytics/x.ts:12:5`: the first frame in the pipeline's code, if any. */
  at?: string;
  /** The pipeline's frames, innermost first: `run (processors/analytics/x.ts:12:5)`. */
  stack: string[];
}

/** `at fn (file:line:col)` or `at file:line:col` → the function (if named) and the location. */
function parseFrame(line: string): { fn?: string; file: string; pos: string } | undefined {
  const m = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
  if (!m) return undefined;
  let file = m[2]!;
  if (file.startsWith('async ')) file = file.slice(6);
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (!path.isAbsolute(file)) return undefined; // node:internal/…, native, eval
  return { fn: m[1] && m[1] !== '<anonymous>' ? m[1].replace(/^async /, '') : undefined, file, pos: `${m[3]}:${m[4]}` };
}

function ownCode(file: string): boolean {
  const inEngine = file === ENGINE_DIR || file.startsWith(ENGINE_DIR + path.sep);
  return !inEngine && !file.split(path.sep).includes('node_modules');
}

/** The pipeline's frames of `err`'s stack; `baseDir` (the spec's folder) makes the paths short. */
export function errorLocation(err: unknown, baseDir: string): ErrorLocation {
  const stack = typeof (err as { stack?: unknown })?.stack === 'string' ? ((err as Error).stack as string) : '';
  const frames: string[] = [];
  let at: string | undefined;
  for (const line of stack.split('\n')) {
    const f = parseFrame(line);
    if (!f || !ownCode(f.file)) continue;
    const rel = path.relative(baseDir, f.file);
    const shown = `${rel.startsWith('..') ? f.file : rel.split(path.sep).join('/')}:${f.pos}`;
    at ??= shown;
    frames.push(f.fn ? `${f.fn} (${shown})` : shown);
    if (frames.length >= MAX_FRAMES) break;
  }
  return { at, stack: frames };
}

/** `TypeError: boom at processors/x.ts:12:5` (without ` at …` when the error has no such frame). */
export function errorText(type: string | undefined, message: string | undefined, at?: string): string {
  return `${type ?? 'Error'}: ${message ?? ''}${at ? ` at ${at}` : ''}`;
}

export type RunLogLine = { level: string; message: string; detail?: Record<string, unknown> };

const LOGS = Symbol('processor logs');

/** Keep the log lines a run wrote before it threw with its error, so a failed run shows them too. */
export function attachLogs(err: unknown, logs: RunLogLine[]): void {
  if (err && typeof err === 'object' && logs.length) Object.defineProperty(err, LOGS, { value: logs, enumerable: false, configurable: true });
}

export function logsOf(err: unknown): RunLogLine[] | undefined {
  return err && typeof err === 'object' ? ((err as Record<symbol, RunLogLine[] | undefined>)[LOGS]) : undefined;
}
