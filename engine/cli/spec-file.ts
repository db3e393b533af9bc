// Loading the spec for a command: prints diagnostics and fails with exit 1 when it is invalid.
import path from 'node:path';
import { loadPlan } from '../spec/index.js';
import { hasErrors, renderDiagnostics } from '../spec/diagnostics.js';
import type { Plan } from '../spec/plan.js';
import { CommandFailed } from './errors.js';
import type { CliIO } from './io.js';

export const DEFAULT_SPEC = 'pipeline.yaml';

export function specPath(io: CliIO, file?: string): string {
  return path.resolve(io.cwd, file ?? io.env.PIPELINE_SPEC ?? DEFAULT_SPEC);
}

export function requirePlan(io: CliIO, file?: string, opts: { checkModules?: boolean } = {}): Plan {
  const abs = specPath(io, file);
  const display = path.relative(io.cwd, abs) || abs;
  const r = loadPlan(abs, { displayName: display, checkModules: opts.checkModules ?? false });
  if (!r.plan || hasErrors(r.diagnostics)) {
    io.err(renderDiagnostics(r.diagnostics, { sources: r.text ? { [display]: r.text } : {}, color: io.color }));
    throw new CommandFailed(`${display} is invalid`);
  }
  return r.plan;
}
