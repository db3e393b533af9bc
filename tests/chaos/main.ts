// `npm run chaos -- [--count N] [--from S] [--seed S] [--backend memory|duckdb|both] [--pipeline small|nba] [--steps N] [--trace]`:
// runs seeds of the fault harness and prints, per backend, schedules run, faults injected, crash
// sites reached and every violation with its seed. `--seed S --trace` replays one schedule and prints
// each action. Exits 1 when any seed violated an invariant.
import { PIPELINES, runSeed, type BackendKind, type PipelineName, type SeedResult } from './run-seed.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function int(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`chaos: --${name} ${JSON.stringify(raw)} is not a whole number`);
    process.exit(2);
  }
  return n;
}

const single = arg('seed');
const from = single !== undefined ? int('seed', 0) : int('from', 1);
const count = single !== undefined ? 1 : int('count', 200);
const pipeline = (arg('pipeline') ?? 'small') as PipelineName;
if (!(pipeline in PIPELINES)) {
  console.error(`chaos: --pipeline ${JSON.stringify(pipeline)} is not small or nba`);
  process.exit(2);
}
const steps = arg('steps') === undefined ? undefined : int('steps', 0);
const trace = process.argv.includes('--trace');
const which = arg('backend') ?? 'both';
if (!['memory', 'duckdb', 'both'].includes(which)) {
  console.error(`chaos: --backend ${JSON.stringify(which)} is not memory, duckdb or both`);
  process.exit(2);
}
const backends: BackendKind[] = which === 'both' ? ['memory', 'duckdb'] : [which as BackendKind];

let failed = 0;
for (const backend of backends) {
  const started = Date.now();
  const faults: Record<string, number> = {};
  const sites = new Map<string, number>();
  let runs = 0;
  const bad: SeedResult[] = [];
  for (let seed = from; seed < from + count; seed++) {
    const r = await runSeed({ seed, backend, pipeline, steps, trace });
    runs += r.runs;
    for (const [k, n] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + n;
    for (const s of r.crashSites) sites.set(s, (sites.get(s) ?? 0) + 1);
    if (trace) console.log(r.trace.join('\n'));
    if (r.violations.length) {
      bad.push(r);
      console.log(`seed ${seed} (${backend}): ${r.violations.length} violation(s)\n  ${r.violations.join('\n  ')}`);
    }
  }
  failed += bad.length;
  const secs = (Date.now() - started) / 1000;
  console.log(`\n${pipeline} on ${backend}: ${count} seed(s) from ${from}, ${runs} runs, ${bad.length} with violations, ${secs.toFixed(1)}s`);
  console.log(`  faults: ${Object.entries(faults).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  crash sites (${sites.size}): ${[...sites].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (bad.length) console.log(`  failing seeds: ${bad.map((b) => b.seed).join(' ')}`);
}
process.exit(failed ? 1 : 0);
