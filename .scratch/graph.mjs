import fs from 'node:fs'; import path from 'node:path';
const start = path.resolve('engine/cli/main.ts');
const seen = new Map(); const heavy = /@google-cloud|google-auth-library|fastify|@duckdb\/node-api|graphile|bullmq|playwright/;
function walk(f, chain) {
  if (seen.has(f)) return; seen.set(f, chain);
  const src = fs.readFileSync(f, 'utf8');
  for (const m of src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1];
    if (heavy.test(spec)) { console.log(spec.padEnd(28), [...chain, f].map((x) => path.relative('.', x)).slice(-4).join(' <- ')); continue; }
    if (!spec.startsWith('.')) continue;
    let t = path.resolve(path.dirname(f), spec).replace(/\.js$/, '.ts');
    if (!fs.existsSync(t)) continue;
    walk(t, [...chain, f]);
  }
}
walk(start, []);
