// Plan → FileMap (repo-relative path → content) in memory, with no I/O; then the only two functions
// that touch the tree: `writeFileMap` (write what changed, remove owned files no longer generated)
// and `diffFileMap` (what `codegen:check` reports). Output is deterministic: sorted paths, stable
// key order, no timestamps.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../engine/spec/plan.js';
import { bigQueryFiles } from './bigquery.js';
import { cloudRunFiles } from './cloudrun.js';
import { contractFiles } from './contracts.js';
import { isGenerated } from './formats.js';
import { messageSchemaFiles } from './messages.js';
import { monitoringFiles } from './monitoring.js';
import { schemaFiles } from './schema.js';
import { terraformFiles } from './terraform/index.js';

export type FileMap = ReadonlyMap<string, string>;

/** Folders whose generated files codegen owns; extra generated files are only looked for here. */
export const GENERATED_DIRS = ['contracts', 'generated', 'infra/bigquery', 'infra/cloudrun', 'infra/monitoring', 'infra/terraform', 'schema'] as const;

/** One artifact family: the plan → files (paths relative to the repository root). */
export type Generator = (plan: Plan) => Record<string, string>;

export const GENERATORS: Readonly<Record<string, Generator>> = {
  contracts: contractFiles,
  messages: messageSchemaFiles,
  terraform: terraformFiles,
  bigquery: bigQueryFiles,
  cloudrun: cloudRunFiles,
  monitoring: monitoringFiles,
  schema: schemaFiles,
};

export function buildFileMap(plan: Plan): FileMap {
  const files = new Map<string, string>();
  for (const [family, generate] of Object.entries(GENERATORS)) {
    for (const [file, content] of Object.entries(generate(plan))) {
      if (files.has(file)) throw new Error(`codegen: ${family} generates ${file}, which another generator already generates`);
      if (!GENERATED_DIRS.some((d) => file.startsWith(`${d}/`))) throw new Error(`codegen: ${family} generates ${file} outside the generated folders (${GENERATED_DIRS.join(', ')})`);
      if (!isGenerated(file, content)) throw new Error(`codegen: ${family} generates ${file} without the generated header`);
      files.set(file, content);
    }
  }
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
export function ownedFiles(root: string): string[] {
  const out: string[] = [];
  for (const d of GENERATED_DIRS) walk(root, d, out);
  return out.filter((f) => isGenerated(f, readFileSync(path.join(root, f), 'utf8'))).sort();
}

/** How the tree at `root` differs from the FileMap: missing and stale files, and owned extras. */
export function diffFileMap(root: string, files: FileMap): Drift[] {
  const drift: Drift[] = [];
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    if (!existsSync(abs)) drift.push({ path: file, kind: 'missing' });
    else if (readFileSync(abs, 'utf8') !== content) drift.push({ path: file, kind: 'stale' });
  }
  for (const f of ownedFiles(root)) if (!files.has(f)) drift.push({ path: f, kind: 'extra' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export interface WriteReport {
  written: string[];
  removed: string[];
  unchanged: number;
}

/** Make the tree match the FileMap: write changed files, remove owned files no longer generated. */
export function writeFileMap(root: string, files: FileMap): WriteReport {
  const report: WriteReport = { written: [], removed: [], unchanged: 0 };
  for (const d of diffFileMap(root, files)) {
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
