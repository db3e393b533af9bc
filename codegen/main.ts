// `npm run codegen` writes every generated artifact of each pipeline it is given (default: the one in
// the current folder) beside that pipeline's spec, and the engine's own files (the spec's JSON Schema
// and reference) when a pipeline lives in the engine's folder; `npm run codegen:check` (--check) writes
// nothing and exits 1, naming each stale, missing or extra file and the command to run, when a tree
// differs from what codegen would write.
//
//   tsx codegen/main.ts [--check] [PIPELINE_DIR_OR_SPEC ...]
//   tsx codegen/main.ts [--check] [--file pipeline.yaml] [--root DIR]   (one spec, output under DIR)
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasErrors, renderDiagnostics } from '../engine/spec/diagnostics.js';
import { loadPlan } from '../engine/spec/index.js';
import { buildFileMap, diffFileMap, ENGINE_ROOT, isEngineRoot, writeFileMap } from './filemap.js';
import { COMMAND } from './formats.js';

export interface CodegenIO {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = 'usage: tsx codegen/main.ts [--check] [PIPELINE_DIR_OR_SPEC ...] | [--check] [--file pipeline.yaml] [--root DIR]';

interface Target {
  /** The spec. */
  file: string;
  /** Where its files go (the spec's folder unless --root says otherwise). */
  root: string;
}

function parseArgs(argv: string[], cwd: string): { check: boolean; targets: Target[] } | string {
  let check = false;
  let file: string | undefined;
  let root: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') check = true;
    else if ((a === '--file' || a === '--root') && argv[i + 1]) {
      if (a === '--file') file = argv[++i];
      else root = argv[++i];
    } else if (!a.startsWith('-')) positional.push(a);
    else return `unknown argument ${JSON.stringify(a)} — ${USAGE}`;
  }
  if (positional.length && (file || root)) return `give pipelines, or --file/--root, not both — ${USAGE}`;
  if (file || root) {
    const r = path.resolve(cwd, root ?? path.dirname(path.resolve(cwd, file!)));
    return { check, targets: [{ root: r, file: path.resolve(cwd, file ?? path.join(r, 'pipeline.yaml')) }] };
  }
  const targets = (positional.length ? positional : ['.']).map((p) => {
    const abs = path.resolve(cwd, p);
    const isDir = (() => {
      try {
        return statSync(abs).isDirectory();
      } catch {
        return !abs.endsWith('.yaml') && !abs.endsWith('.yml');
      }
    })();
    return isDir ? { root: abs, file: path.join(abs, 'pipeline.yaml') } : { root: path.dirname(abs), file: abs };
  });
  return { check, targets };
}

/** The command that regenerates a pipeline's files: the npm script inside the engine's folder, the CLI elsewhere. */
export function regenerateCommand(target: Target, cwd: string): string {
  const shown = (p: string) => path.relative(cwd, p) || '.';
  if (path.dirname(target.file) !== target.root) return `tsx codegen/main.ts --file ${shown(target.file)} --root ${shown(target.root)}`;
  return within(ENGINE_ROOT, target.root) ? COMMAND : `npx pipeline -f ${shown(target.file)} codegen`;
}

const within = (dir: string, p: string) => !path.relative(dir, p).startsWith('..');

function runTarget(t: Target, check: boolean, io: CodegenIO, cwd: string): number {
  const display = path.relative(cwd, t.file) || t.file;
  const shown = (f: string) => (within(cwd, t.root) ? path.relative(cwd, path.join(t.root, f)) : path.join(t.root, f));
  const started = performance.now();
  const loaded = loadPlan(t.file, { displayName: display, checkModules: false });
  if (!loaded.plan || hasErrors(loaded.diagnostics)) {
    io.err(renderDiagnostics(loaded.diagnostics, { sources: loaded.text ? { [display]: loaded.text } : {} }));
    io.err(`codegen: ${display} is invalid; nothing generated`);
    return 1;
  }
  const opts = { engine: isEngineRoot(t.root) };
  const files = buildFileMap(loaded.plan, opts);
  if (check) {
    const drift = diffFileMap(t.root, files, opts);
    if (!drift.length) {
      io.out(`codegen: ${files.size} generated files of ${display} are up to date`);
      return 0;
    }
    for (const d of drift) io.err(`${d.kind}: ${shown(d.path)}${d.kind === 'extra' ? ' (generated, but no longer produced)' : ''}`);
    io.err(`codegen: ${drift.length} generated file${drift.length === 1 ? ' is' : 's are'} out of date — run \`${regenerateCommand(t, cwd)}\` and commit the result`);
    return 1;
  }
  const report = writeFileMap(t.root, files, opts);
  const ms = Math.round(performance.now() - started);
  for (const f of report.written) io.out(`wrote ${shown(f)}`);
  for (const f of report.removed) io.out(`removed ${shown(f)}`);
  io.out(`codegen: ${display}: ${files.size} files (${report.written.length} written, ${report.removed.length} removed, ${report.unchanged} unchanged) in ${ms} ms`);
  return 0;
}

/** Runs codegen; returns the exit code (0 ok, 1 stale tree or invalid spec, 2 bad arguments). */
export function runCodegen(argv: string[], io: CodegenIO, cwd = process.cwd()): number {
  const opts = parseArgs(argv, cwd);
  if (typeof opts === 'string') {
    io.err(`codegen: ${opts}`);
    return 2;
  }
  let code = 0;
  for (const t of opts.targets) code = Math.max(code, runTarget(t, opts.check, io, cwd));
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const code = runCodegen(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t) });
  process.exitCode = code;
}
