// Builders shared by the codegen tests: the reference plan, a modified copy of pipeline.yaml loaded
// from a temp dir, and walkers over the generated Terraform module.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadPlan } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SPEC = path.join(ROOT, 'pipeline.yaml');

export function mustLoad(file: string): Plan {
  const r = loadPlan(file, { checkModules: false });
  if (!r.plan) throw new Error(`${file} is invalid:\n${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
  return r.plan;
}

let reference: Plan | undefined;
export function nbaPlan(): Plan {
  return (reference ??= mustLoad(SPEC));
}

export function tempDir(prefix = 'codegen-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of pipeline.yaml with `edits` applied (path → value; undefined deletes), written to a temp dir and loaded. */
export function modifiedPlan(edits: [(string | number)[], unknown][]): Plan {
  const doc = parseDocument(readFileSync(SPEC, 'utf8'));
  for (const [at, value] of edits) {
    if (value === undefined) doc.deleteIn(at);
    else doc.setIn(at, doc.createNode(value));
  }
  const { dir, cleanup } = tempDir('codegen-spec-');
  try {
    const file = path.join(dir, 'pipeline.yaml');
    writeFileSync(file, doc.toString());
    return mustLoad(file);
  } finally {
    cleanup();
  }
}

export type Json = Record<string, unknown>;

/** `resource` blocks of a set of Terraform documents: type → name → body. */
export function resources(docs: Record<string, Json>): Record<string, Record<string, Json>> {
  const out: Record<string, Record<string, Json>> = {};
  for (const d of Object.values(docs)) {
    for (const [type, byName] of Object.entries((d.resource ?? {}) as Record<string, Record<string, Json>>)) Object.assign((out[type] ??= {}), byName);
  }
  return out;
}

/** Every string value in a JSON tree. */
export function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}
