#!/usr/bin/env node
// `npm run build` (or `node scripts/build.mjs --out DIR`): the engine, the CLI, codegen and the
// pipeline's processors compiled to JavaScript by tsc (tsconfig.build.json), with what they read at run
// time beside them: the JSON files of the compiled folders (message contracts, publishing schemas),
// the spec schema, `pipeline.yaml` (so `dist/pipeline.yaml` names its processors' compiled modules:
// a `.ts` module that is not there runs as the `.js` beside it), and a package.json that makes
// `pipeline/processor` resolve to the compiled API inside dist/. Plain JavaScript, so it needs no tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Compiled folders (tsconfig.build.json's include): their other files are copied as they are. */
const COMPILED = ['engine', 'processors', 'generated', 'codegen'];
/** Read at run time from beside the compiled code. */
const COPIED = ['contracts', 'schema', 'pipeline.yaml'];

function outDir(argv) {
  const i = argv.indexOf('--out');
  if (i === -1) return path.join(ROOT, 'dist');
  const dir = argv[i + 1];
  if (!dir) {
    console.error('build: --out needs a folder — usage: node scripts/build.mjs [--out DIR]');
    process.exit(2);
  }
  return path.resolve(dir);
}

function otherFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const f = path.join(dir, n);
    if (statSync(f).isDirectory()) return otherFiles(f);
    return f.endsWith('.ts') ? [] : [f];
  });
}

const out = outDir(process.argv.slice(2));
rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

for (const dir of COMPILED) {
  for (const f of otherFiles(path.join(ROOT, dir))) {
    const to = path.join(out, path.relative(ROOT, f));
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(f, to);
  }
}
for (const name of COPIED) if (existsSync(path.join(ROOT, name))) cpSync(path.join(ROOT, name), path.join(out, name), { recursive: true });

// The compiled package: the same name (so processors' `pipeline/processor` self-references resolve here),
// its exports pointing at JavaScript.
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const exportsJs = Object.fromEntries(Object.entries(pkg.exports).map(([k, v]) => [k, k === './package.json' ? v : v.replace(/^\.\//, './').replace(/\.ts$/, '.js')]));
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module', exports: exportsJs }, null, 2)}\n`);
console.log(`build: ${path.relative(process.cwd(), out) || out} (run: node ${path.relative(process.cwd(), path.join(out, 'engine/cli/main.js'))} --help)`);
