// `npm run codegen` writes every generated artifact from pipeline.yaml; `npm run codegen:check`
// (--check) writes nothing and exits 1, naming each stale, missing or extra file and the command to
// run, when the tree differs from what codegen would write.
//
//   tsx codegen/main.ts [--check] [--file pipeline.yaml] [--root DIR]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasErrors, renderDiagnostics } from '../engine/spec/diagnostics.js';
import { loadPlan } from '../engine/spec/index.js';
import { buildFileMap, diffFileMap, writeFileMap } from './filemap.js';
import { COMMAND } from './formats.js';

export interface CodegenIO {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = 'usage: tsx codegen/main.ts [--check] [--file pipeline.yaml] [--root DIR]';

function parseArgs(argv: string[]): { check: boolean; file?: string; root?: string } | string {
  const opts: { check: boolean; file?: string; root?: string } = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') opts.check = true;
    else if ((a === '--file' || a === '--root') && argv[i + 1]) opts[a === '--file' ? 'file' : 'root'] = argv[++i];
    else return `unknown argument ${JSON.stringify(a)} — ${USAGE}`;
  }
  return opts;
}

/** Runs codegen; resolves with the exit code (0 ok, 1 stale tree or invalid spec, 2 bad arguments). */
export function runCodegen(argv: string[], io: CodegenIO, cwd = process.cwd()): number {
  const opts = parseArgs(argv);
  if (typeof opts === 'string') {
    io.err(`codegen: ${opts}`);
    return 2;
  }
  const root = path.resolve(cwd, opts.root ?? '.');
  const file = path.resolve(cwd, opts.file ?? path.join(root, 'pipeline.yaml'));
  const display = path.relative(cwd, file) || file;
  const started = performance.now();
  const loaded = loadPlan(file, { displayName: display, checkModules: false });
  if (!loaded.plan || hasErrors(loaded.diagnostics)) {
    io.err(renderDiagnostics(loaded.diagnostics, { sources: loaded.text ? { [display]: loaded.text } : {} }));
    io.err(`codegen: ${display} is invalid; nothing generated`);
    return 1;
  }
  const files = buildFileMap(loaded.plan);
  if (opts.check) {
    const drift = diffFileMap(root, files);
    if (!drift.length) {
      io.out(`codegen: ${files.size} generated files are up to date`);
      return 0;
    }
    for (const d of drift) io.err(`${d.kind === 'extra' ? 'extra' : d.kind}: ${d.path}${d.kind === 'extra' ? ' (generated, but no longer produced)' : ''}`);
    io.err(`codegen: ${drift.length} generated file${drift.length === 1 ? ' is' : 's are'} out of date — run \`${COMMAND}\` and commit the result`);
    return 1;
  }
  const report = writeFileMap(root, files);
  const ms = Math.round(performance.now() - started);
  for (const f of report.written) io.out(`wrote ${f}`);
  for (const f of report.removed) io.out(`removed ${f}`);
  io.out(`codegen: ${files.size} files (${report.written.length} written, ${report.removed.length} removed, ${report.unchanged} unchanged) in ${ms} ms`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const code = runCodegen(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t) });
  process.exitCode = code;
}
