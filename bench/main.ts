// `npm run bench [-- name ...]`: runs the benchmarks and records each in BENCHMARKS.md.
// Names: engine, service, nba, startup, peers. No timing assertions live in tests; targets are checked here.
// Flags: --quick (peers: few rounds, under ~3 minutes), --rounds=N (peers).
import { record, render, type Result } from './lib.js';

const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const known = (f: string) => f === '--quick' || /^--rounds=[1-9]\d*$/.test(f);
const badFlag = flags.find((f) => !known(f));
if (badFlag) {
  process.stderr.write(`bench: unknown option ${badFlag} — expected --quick or --rounds=N (N ≥ 1)\n`);
  process.exit(2);
}
const rounds = flags.find((f) => f.startsWith('--rounds='));

const BENCHES: Record<string, () => Promise<Result>> = {
  engine: async () => (await import('./engine.bench.js')).engineBench(),
  service: async () => (await import('./service.bench.js')).serviceBench(),
  nba: async () => (await import('./nba.bench.js')).nbaBench(),
  startup: async () => (await import('./startup.bench.js')).startupBench(),
  peers: async () => (await import('./peers.bench.js')).peersBench({ quick: flags.includes('--quick'), rounds: rounds ? Number(rounds.slice(9)) : undefined }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} — expected one of ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
// peers starts PostgreSQL and Redis (and may apt-get them): only when named.
const DEFAULT = ['engine', 'service', 'nba', 'startup'];
for (const name of wanted.length ? wanted : DEFAULT) {
  process.stderr.write(`running ${name}…\n`);
  const r = await BENCHES[name]!();
  record(r);
  process.stdout.write(`${render(r)}\n\n`);
}
