// Importing a project's own modules (processors, local services), which may be TypeScript. The CLI
// running the compiled engine does not load a TypeScript loader at start — registering tsx costs
// ~300 ms, and `validate`, `graph`, `ls` or `--help` import no project module — but leaves a hook on
// globalThis that registers one; it is called here before the first TypeScript module is imported.
// Run from sources (or under `tsx`), TypeScript loads already and there is no hook.
import { pathToFileURL } from 'node:url';

const HOOK = Symbol.for('pipeline.loadTypeScript');
const TYPESCRIPT = /\.[cm]?tsx?$/;

export async function importUserModule(file: string): Promise<{ default?: unknown }> {
  const hook = (globalThis as Record<symbol, unknown>)[HOOK];
  if (TYPESCRIPT.test(file) && typeof hook === 'function') await (hook as () => Promise<unknown>)();
  return (await import(pathToFileURL(file).href)) as { default?: unknown };
}
