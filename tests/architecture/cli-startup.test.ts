// CLI start-up: every command starts by loading engine/cli/main.ts and what it imports statically, so
// that graph must not reach the heavy packages — the Google clients (~1 s each to load), fastify and
// DuckDB (~0.8 s). The commands that need them import them when they run (`await import(...)`), so
// `--help`, `validate`, `graph` or `ls` never pay for them. Type-only imports cost nothing and are skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// undici (~200 ms) and cli-progress (~80 ms) too: only processors' fetches and a backfill's bar use them.
const HEAVY = /^(@google-cloud\/|google-auth-library|fastify|@fastify\/|@duckdb\/|undici$|cli-progress$)/;

/** Static value imports (and re-exports) of a file: relative ones resolved, packages as named. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const src = readFileSync(file, 'utf8');
  const out = { files: [] as string[], packages: [] as string[] };
  const re = /(?:^|\n)\s*(import|export)\s+(?!type\s)([^;]*?)\s*from\s+['"]([^'"]+)['"]/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const spec = m[3]!;
    if (spec.startsWith('.')) {
      const f = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(f)) out.files.push(f);
    } else out.packages.push(spec);
  }
  return out;
}

/** Each heavy package reached, with the chain of files that reaches it. */
function heavyReached(entry: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (f: string, chain: string[]) => {
    if (seen.has(f)) return;
    seen.add(f);
    const { files, packages } = staticImports(f);
    for (const p of packages) if (HEAVY.test(p)) found.push(`${p} <- ${[...chain, f].map((x) => path.relative(ROOT, x)).join(' <- ')}`);
    for (const t of files) walk(t, [...chain, f]);
  };
  walk(entry, []);
  return found;
}

describe('CLI start-up', () => {
  it('the CLI entry loads no Google client, fastify, DuckDB, undici or cli-progress until a command needs one', () => {
    assert.deepEqual(heavyReached(path.join(ROOT, 'engine/cli/main.ts')), []);
  });

  it('the check itself sees a heavy package reached through a chain', () => {
    const found = heavyReached(path.join(ROOT, 'engine/runtime/local.ts'));
    assert.ok(found.some((f) => f.startsWith('@duckdb/node-api')), found.join('\n'));
  });
});
