// `npm run bench [-- name ...]`: runs the benchmarks and records each in BENCHMARKS.md.
// Names: engine, service, nba. No timing assertions live in tests; targets are checked here.
import { record, render, type Result } from './lib.js';

const BENCHES: Record<string, () => Promise<Result>> = {
  engine: async () => (await import('./engine.bench.js')).engineBench(),
  service: async () => (await import('./service.bench.js')).serviceBench(),
  nba: async () => (await import('./nba.bench.js')).nbaBench(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} — expected one of ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  process.stderr.write(`running ${name}…\n`);
  const r = await BENCHES[name]!();
  record(r);
  process.stdout.write(`${render(r)}\n\n`);
}
