// Plan → FileMap (path relative to an output root → content) in memory, with no I/O; then the only two
// functions that touch the tree: `writeFileMap` (write what changed, remove owned files no longer
// generated) and `diffFileMap` (what `codegen:check` reports). Output is deterministic: sorted paths,
// stable key order, no timestamps.
//
// Two families of files: a pipeline's (contracts, typed code, infrastructure), written beside its
// pipeline.yaml, and the engine's own (the spec's JSON Schema and its reference), written only into
// the engine's folder — never into a pipeline that merely uses the engine.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../engine/spec/plan.js';
import { bigQueryFiles } from './bigquery.js';
import { cloudRunFiles } from './cloudrun.js';
import { contractFiles } from './contracts.js';
import { isGenerated } from './formats.js';
import { messageSchemaFiles } from './messages.js';
import { monitoringFiles } from './monitoring.js';
import { schemaFiles } from './schema.js';
import { specReferenceFiles } from './spec-reference.js';
import { terraformFiles } from './terraform/index.js';

export type FileMap = ReadonlyMap<string, string>;

/** The engine's own folder (the one holding codegen/): engine files are generated there only. */
export const ENGINE_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Folders of a pipeline whose generated files codegen owns; extra generated files are only looked for here. */
export const PIPELINE_DIRS = ['contracts', 'generated', 'infra/bigquery', 'infra/cloudrun', 'infra/monitoring', 'infra/terraform'] as const;
/** Folders of the engine whose generated files codegen owns (docs/ also holds hand-written guides: only headed files are codegen's). */
export const ENGINE_DIRS = ['docs', 'schema'] as const;

/** One artifact family of a pipeline: the plan → files (paths relative to the pipeline's folder). */
export type Generator = (plan: Plan) => Record<string, string>;

export const GENERATORS: Readonly<Record<string, Generator>> = {
  contracts: contractFiles,
  messages: messageSchemaFiles,
  terraform: terraformFiles,
  bigquery: bigQueryFiles,
  cloudrun: cloudRunFiles,
  monitoring: monitoringFiles,
};

/** The engine's artifact families: they depend on the language, not on a plan. */
export const ENGINE_GENERATORS: Readonly<Record<string, () => Record<string, string>>> = {
  schema: schemaFiles,
  reference: specReferenceFiles,
};

export interface FileMapOptions {
  /** Also the engine's files (when the output root is the engine's folder). */
  engine?: boolean;
}

/** Whether codegen for a pipeline written to `root` also writes the engine's files. */
export const isEngineRoot = (root: string) => path.resolve(root) === ENGINE_ROOT;

export const ownedDirs = (opts: FileMapOptions = {}): readonly string[] => (opts.engine ? [...PIPELINE_DIRS, ...ENGINE_DIRS] : PIPELINE_DIRS);

function add(files: Map<string, string>, family: string, generated: Record<string, string>, dirs: readonly string[]): void {
  for (const [file, content] of Object.entries(generated)) {
    if (files.has(file)) throw new Error(`codegen: ${family} generates ${file}, which another generator already generates`);
    if (!dirs.some((d) => file.startsWith(`${d}/`))) throw new Error(`codegen: ${family} generates ${file} outside the generated folders (${dirs.join(', ')})`);
    if (!isGenerated(file, content)) throw new Error(`codegen: ${family} generates ${file} without the generated header`);
    files.set(file, content);
  }
}

export function buildFileMap(plan: Plan, opts: FileMapOptions = {}): FileMap {
  const files = new Map<string, string>();
  for (const [family, generate] of Object.entries(GENERATORS)) add(files, family, generate(plan), PIPELINE_DIRS);
  if (opts.engine) for (const [family, generate] of Object.entries(ENGINE_GENERATORS)) add(files, family, generate(), ENGINE_DIRS);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export type DriftKind = 'missing' | 'stale' | 'extra';

export interface Drift {
  path: string;
  kind: DriftKind;
}

function walk(root: string, dir: string, out: string[]): void {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return;
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(root, rel, out);
    else if (e.isFile()) out.push(rel);
  }
}

/** Files under the generated folders that carry the header: the ones codegen owns. */
export function ownedFiles(root: string, opts: FileMapOptions = {}): string[] {
  const out: string[] = [];
  for (const d of ownedDirs(opts)) walk(root, d, out);
  return out.filter((f) => isGenerated(f, readFileSync(path.join(root, f), 'utf8'))).sort();
}

/** How the tree at `root` differs from the FileMap: missing and stale files, and owned extras. */
export function diffFileMap(root: string, files: FileMap, opts: FileMapOptions = {}): Drift[] {
  const drift: Drift[] = [];
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    if (!existsSync(abs)) drift.push({ path: file, kind: 'missing' });
    else if (readFileSync(abs, 'utf8') !== content) drift.push({ path: file, kind: 'stale' });
  }
  for (const f of ownedFiles(root, opts)) if (!files.has(f)) drift.push({ path: f, kind: 'extra' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export interface WriteReport {
  written: string[];
  removed: string[];
  unchanged: number;
}

/** Make the tree match the FileMap: write changed files, remove owned files no longer generated. */
export function writeFileMap(root: string, files: FileMap, opts: FileMapOptions = {}): WriteReport {
  const report: WriteReport = { written: [], removed: [], unchanged: 0 };
  for (const d of diffFileMap(root, files, opts)) {
    const abs = path.join(root, d.path);
    if (d.kind === 'extra') {
      rmSync(abs);
      report.removed.push(d.path);
    } else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, files.get(d.path)!);
      report.written.push(d.path);
    }
  }
  report.unchanged = files.size - report.written.length;
  return report;
}
