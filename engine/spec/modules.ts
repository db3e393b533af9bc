// Where a processor's module is loaded from: the path the spec names, relative to the spec's folder —
// or, for a `.ts` module that is not there, the `.js` beside it: its compiled form. That is how a built
// image runs the spec with its processors compiled (`npm run build` puts pipeline.yaml in dist/ beside
// them), with no TypeScript loader at run time. Validation and the executor resolve it the same way.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function moduleFile(dir: string, module: string): string {
  const file = path.resolve(dir, module);
  if (file.endsWith('.ts') && !existsSync(file)) {
    const compiled = `${file.slice(0, -'.ts'.length)}.js`;
    if (existsSync(compiled)) return compiled;
  }
  return file;
}
