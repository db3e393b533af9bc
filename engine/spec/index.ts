// The spec front door: file → diagnostics and, when valid, the resolved Plan.
// load (YAML + schema) → check-refs (names) → build-plan → check-graph (graph rules).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPlan } from './build-plan.js';
import { checkGraph } from './check-graph.js';
import { checkReferences } from './check-refs.js';
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadSpecText, type SourceMap } from './load.js';
import type { Plan } from './plan.js';

export interface PlanResult {
  plan?: Plan;
  diagnostics: Diagnostic[];
  source?: SourceMap;
  text?: string;
}

export interface LoadOptions {
  /** Display name used in diagnostics (default: the path as given). */
  displayName?: string;
  /** Warn about processor modules that do not exist (default true). */
  checkModules?: boolean;
}

/** Check spec text; `dir` is the folder processor modules are resolved from. */
export function planFromText(text: string, file = 'pipeline.yaml', dir = process.cwd(), opts: LoadOptions = {}): PlanResult {
  const loaded = loadSpecText(text, file);
  if (!loaded.spec) return { diagnostics: sortDiagnostics(loaded.diagnostics), source: loaded.source, text };
  const refs = checkReferences(loaded.spec, loaded.source);
  if (hasErrors(refs)) return { diagnostics: sortDiagnostics(refs), source: loaded.source, text };
  const plan = buildPlan(loaded.spec, loaded.source, dir);
  const diags = [...refs, ...checkGraph(plan, loaded.source)];
  if (opts.checkModules !== false) {
    for (const p of plan.processors.values()) {
      const abs = path.resolve(dir, p.module);
      if (!existsSync(abs))
        diags.push(diagnostic('PIPE043', loaded.source.at(['processors', p.name, 'module']), `module \`${p.module}\` of processor \`${p.name}\` does not exist`, `create it (it default-exports defineProcessor(...)), or fix the path (relative to ${file})`));
    }
  }
  return { plan: hasErrors(diags) ? undefined : plan, diagnostics: sortDiagnostics(diags), source: loaded.source, text };
}

/** Read and check a spec file. An unreadable file is a diagnostic too, never a stack trace. */
export function loadPlan(file: string, opts: LoadOptions = {}): PlanResult {
  const display = opts.displayName ?? file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [diagnostic('PIPE007', { file: display, line: 0, col: 0 }, `cannot read ${display}: ${reason}`, 'pass the path of a pipeline.yaml, e.g. `pipeline validate pipeline.yaml`')] };
  }
  return planFromText(text, display, path.dirname(path.resolve(file)), opts);
}

export type { Plan } from './plan.js';
export { renderDiagnostics, type Diagnostic } from './diagnostics.js';
