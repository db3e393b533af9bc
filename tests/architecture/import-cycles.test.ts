// Files depend one way: no import cycles in engine/ or codegen/ — type-only imports included, since a
// cycle of types is still two files that cannot be understood (or split) one without the other.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Graph, alg } from '@dagrejs/graphlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const f = path.join(dir, n);
    return statSync(f).isDirectory() ? files(f) : f.endsWith('.ts') ? [f] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to files (`.js` specifiers name `.ts` sources). */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    out.push(target);
  }
  return out;
}

function cyclesIn(dirs: string[]): string[][] {
  const g = new Graph();
  for (const d of dirs) {
    for (const f of files(path.join(ROOT, d))) {
      g.setNode(f);
      for (const t of importsOf(f, readFileSync(f, 'utf8'))) g.setEdge(f, t);
    }
  }
  return alg.findCycles(g).map((c) => c.map((f) => path.relative(ROOT, f)));
}

describe('import graph', () => {
  it('has no cycles in engine/ or codegen/', () => {
    const cycles = cyclesIn(['engine', 'codegen']);
    assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => `  ${c.join(' → ')}`).join('\n')}`);
  });

  it('would see a cycle through type-only imports', () => {
    const a = path.join(ROOT, 'engine/x/a.ts');
    assert.deepEqual(importsOf(a, "import type { B } from './b.js';\nexport { C } from '../c.js';\n"), [path.join(ROOT, 'engine/x/b.ts'), path.join(ROOT, 'engine/c.ts')]);
  });
});
