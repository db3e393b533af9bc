// The spec front door: file → diagnostics and, when valid, the resolved Plan.
// load (YAML + schema) → check-refs (names) → check-delivery (runs fit a push) → build-plan →
// check-graph (graph rules), all in one pass: a stage runs on what the stages before it let through
// (recover.ts, graph-spec.ts), so a spec with errors of several kinds gets all of them at once, and a
// consequence of an error is not reported again.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPlan } from './build-plan.js';
import { checkDelivery } from './check-delivery.js';
import { checkGraph } from './check-graph.js';
import { checkReferences } from './check-refs.js';
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { graphSpec } from './graph-spec.js';
import { loadSpecText } from './load.js';
import type { SourceMap } from './source-map.js';
import { moduleFile } from './modules.js';
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
  const { spec, source, recovery, diagnostics: loading } = loadSpecText(text, file);
  if (!spec) return { diagnostics: sortDiagnostics(loading), source, text };
  const refs = checkReferences(spec, source, recovery);
  const resolved = graphSpec(spec, recovery);
  const graphPlan = buildPlan(resolved, source, dir);
  const stages = [loading, refs, checkDelivery(spec, source), checkGraph(graphPlan, source, recovery)];
  if (opts.checkModules !== false) {
    const missing: Diagnostic[] = [];
    for (const [name, p] of Object.entries(spec.processors)) {
      if (!existsSync(moduleFile(dir, p.module)))
        missing.push(diagnostic('PIPE043', source.at(['processors', name, 'module']), `module \`${p.module}\` of processor \`${name}\` does not exist`, `create it (it default-exports defineProcessor(...)), or fix the path (relative to ${file})`));
    }
    stages.push(missing);
  }
  const diagnostics = sortDiagnostics(withoutCascades(stages));
  if (hasErrors(diagnostics)) return { diagnostics, source, text };
  return { plan: resolved === spec ? graphPlan : buildPlan(spec, source, dir), diagnostics, source, text };
}

/**
 * The diagnostics of all stages, less those a later stage reports where an earlier one already found
 * an error: a reference check repeating a value the schema rejected, a graph rule about an unknown name.
 */
function withoutCascades(stages: readonly Diagnostic[][]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const errorAt = new Set<string>();
  for (const stage of stages) {
    const here = stage.filter((d) => !errorAt.has(`${d.file}:${d.line}:${d.col}`));
    for (const d of here) if (d.severity === 'error') errorAt.add(`${d.file}:${d.line}:${d.col}`);
    out.push(...here);
  }
  return out;
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
