// `npm run bench -- peers [--quick] [--rounds=N]`: the same workloads on pipeline (embedded default,
// with and without a one-row write per run), graphile-worker (Debian's PostgreSQL) and BullMQ (Debian's
// Redis), in interleaved rounds in one process. Medians with min–max over rounds; ratios are taken
// within each round (same minute, same machine load) and then summarized the same way.
import os from 'node:os';
import { BullmqPeer } from './peers/bullmq.peer.js';
import { GraphilePeer } from './peers/graphile.peer.js';
import { PipelinePeer } from './peers/pipeline.peer.js';
import { startServers } from './peers/servers.js';
import { chainParallel, chainSerial, fanIn, Partitions, throughput, type PeerSystem } from './peers/workloads.js';
import { verdict, type Result } from './lib.js';

export interface PeersOptions {
  quick?: boolean;
  rounds?: number;
}

interface Sizes {
  rounds: number;
  serialChains: number;
  parallelPartitions: number;
  fanInGroups: number;
  noopJobs: number;
}

export function sizes(opts: PeersOptions): Sizes {
  const base = opts.quick
    ? { rounds: 2, serialChains: 5, parallelPartitions: 100, fanInGroups: 10, noopJobs: 200 }
    : { rounds: 5, serialChains: 10, parallelPartitions: 100, fanInGroups: 20, noopJobs: 1000 };
  return { ...base, rounds: opts.rounds ?? base.rounds };
}

/** Worker slots for every system: the engine's default run concurrency is 4. */
const CONCURRENCY = 4;

const METRICS = [
  { key: 'handoffP50', label: 'chain handoff p50 (step returns → next step starts), serial', unit: 'ms', better: 'lower' },
  { key: 'handoffP99', label: 'chain handoff p99, serial', unit: 'ms', better: 'lower' },
  { key: 'parallelWall', label: 'chain, partitions at once: wall', unit: 'ms', better: 'lower' },
  { key: 'fanInWall', label: 'fan-in 5 → 1, every upstream twice: wall', unit: 'ms', better: 'lower' },
  { key: 'gateP50', label: 'fan-in gate p50 (last upstream returns → downstream starts)', unit: 'ms', better: 'lower' },
  { key: 'rate', label: 'throughput, no-op jobs', unit: 'jobs/s', better: 'higher' },
] as const;
type Metric = (typeof METRICS)[number]['key'];
type Round = Record<Metric, number>;

interface Tally {
  rounds: Round[];
  fanInProblems: string[];
  fanInChecked: number;
}

async function oneRound(sys: PeerSystem, parts: Partitions, s: Sizes, tally: Tally): Promise<void> {
  const serial = await chainSerial(sys, parts, s.serialChains);
  const par = await chainParallel(sys, parts, s.parallelPartitions);
  const f = await fanIn(sys, parts, s.fanInGroups);
  const t = await throughput(sys, parts, s.noopJobs);
  tally.fanInChecked += s.fanInGroups;
  tally.fanInProblems.push(...f.check.problems.map((p) => `${sys.name}: ${p}`));
  tally.rounds.push({ handoffP50: serial.p50, handoffP99: serial.p99, parallelWall: par.wallMs, fanInWall: f.wallMs, gateP50: f.gateP50, rate: t.perSec });
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const num = (n: number) => (!Number.isFinite(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
/** median (min–max) */
export function summary(v: number[]): string {
  return v.length > 1 ? `${num(median(v))} (${num(Math.min(...v))}–${num(Math.max(...v))})` : num(v[0] ?? NaN);
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

export async function peersBench(opts: PeersOptions = {}): Promise<Result> {
  const s = sizes(opts);
  const loadStart = load();
  const started = new Date();
  const servers = await startServers();
  const systems: PeerSystem[] = [];
  try {
    systems.push(await PipelinePeer.open({ write: false }), await PipelinePeer.open({ write: true }));
    systems.push(await GraphilePeer.open(servers.postgresUrl, CONCURRENCY), await BullmqPeer.open(servers.redis, CONCURRENCY));
    const parts = new Map(systems.map((x) => [x, new Partitions()]));
    const tallies = new Map<PeerSystem, Tally>(systems.map((x) => [x, { rounds: [], fanInProblems: [], fanInChecked: 0 }]));
    // Warm-up (not recorded): JIT, connection pools, DuckDB's first statements.
    for (const x of systems) {
      await chainSerial(x, parts.get(x)!, 2);
      await throughput(x, parts.get(x)!, 50);
    }
    for (let r = 0; r < s.rounds; r++) {
      for (const x of systems) {
        process.stderr.write(`peers: round ${r + 1}/${s.rounds}, ${x.name}…\n`);
        await oneRound(x, parts.get(x)!, s, tallies.get(x)!);
      }
    }
    return report(systems, tallies, s, { started, loadStart, loadEnd: load(), versions: servers.versions, quick: !!opts.quick });
  } finally {
    for (const x of systems) await x.close().catch((e) => process.stderr.write(`peers: closing ${x.name}: ${(e as Error).message}\n`));
    await servers.stop();
  }
}

interface Conditions {
  started: Date;
  loadStart: string;
  loadEnd: string;
  versions: { postgres: string; redis: string };
  quick: boolean;
}

function report(systems: PeerSystem[], tallies: Map<PeerSystem, Tally>, s: Sizes, c: Conditions): Result {
  const [noWrite, write, graphile, bull] = systems as [PeerSystem, PeerSystem, PeerSystem, PeerSystem];
  const of = (x: PeerSystem, m: Metric) => tallies.get(x)!.rounds.map((r) => r[m]);
  // Per round: pipeline ÷ peer, so > 1 means pipeline takes longer (times) or runs more jobs (throughput).
  const ratio = (a: PeerSystem, b: PeerSystem, m: Metric) => tallies.get(a)!.rounds.map((r, i) => r[m] / tallies.get(b)!.rounds[i]![m]);
  const table: string[][] = METRICS.map((m) => [`${m.label} (${m.unit})`, ...systems.map((x) => summary(of(x, m.key)))]);
  const correct = systems.map((x) => {
    const t = tallies.get(x)!;
    return t.fanInProblems.length ? `${t.fanInProblems.length} problem(s) in ${t.fanInChecked} groups` : `correct in ${t.fanInChecked}/${t.fanInChecked} groups`;
  });
  table.push(['fan-in correctness (downstream exactly once, after all 5 upstreams)', ...correct]);
  const ratios: string[][] = METRICS.map((m) => [
    `${m.label} — pipeline ÷ peer`, summary(ratio(noWrite, graphile, m.key)), summary(ratio(noWrite, bull, m.key)), summary(ratio(write, graphile, m.key)), summary(ratio(write, bull, m.key)),
  ]);
  const med = (x: PeerSystem, m: Metric) => median(of(x, m));
  const handoffRatio = median(ratio(write, graphile, 'handoffP50'));
  const rows: Array<[string, string, string]> = [
    ['chain handoff p50 with a one-row write ÷ graphile-worker (per round, median)', num(handoffRatio), verdict(handoffRatio <= 0.5, '≤ 0.5')],
    ['throughput with a one-row write ÷ graphile-worker (per round, median)', num(median(ratio(write, graphile, 'rate'))), verdict(median(ratio(write, graphile, 'rate')) >= 1, '≥ 1')],
    ['fan-in wall with a one-row write ÷ graphile-worker (per round, median)', num(median(ratio(write, graphile, 'fanInWall'))), verdict(median(ratio(write, graphile, 'fanInWall')) <= 1, '≤ 1')],
    ['fan-in gate p50 with a one-row write', `${num(med(write, 'gateP50'))} ms`, verdict(med(write, 'gateP50') <= 50, '≤ 50 ms')],
    ['fan-in correct on every system', correct.every((x) => x.startsWith('correct')) ? 'yes' : 'NO', 'yes'],
  ];
  const problems = systems.flatMap((x) => tallies.get(x)!.fanInProblems).slice(0, 10);
  return {
    name: 'Side by side with graphile-worker and BullMQ (issue 14)',
    rows,
    tables: [
      { columns: ['workload, median (min–max) over rounds', ...systems.map((x) => x.name)], rows: table },
      { columns: ['ratio per round, median (min–max)', 'no write ÷ graphile-worker', 'no write ÷ BullMQ', 'one-row write ÷ graphile-worker', 'one-row write ÷ BullMQ'], rows: ratios },
    ],
    notes: [
      'Run it with `npm run bench -- peers` (5 rounds), `-- peers --quick` (2 rounds, fewer no-op jobs; about 3 minutes) or `-- peers --rounds=N`. It installs postgresql and redis-server with apt-get when missing.',
      `Run ${c.started.toISOString().slice(0, 16).replace('T', ' ')} UTC${c.quick ? ' in quick mode' : ''}: ${s.rounds} interleaved rounds (pipeline without and with a write, graphile-worker, BullMQ, repeat) after one unrecorded warm-up each; per round ${s.serialChains} serial chains, ${s.parallelPartitions} chains at once, ${s.fanInGroups} fan-in groups at once, ${s.noopJobs} no-op jobs.`,
      `Load average (1 / 5 / 15 min) at start ${c.loadStart}, at end ${c.loadEnd}: the machine is shared with other engineers' test runs, so spreads are wide; compare ratios within a round rather than absolute figures across runs.`,
      `Peers: graphile-worker 0.17.3 on ${c.versions.postgres} (Debian defaults: fsync and synchronous_commit on), BullMQ 6.7.6 with ioredis 6.1 on ${c.versions.redis} (no persistence: --save '' and no AOF); both on 127.0.0.1 ports of their own, data in a temp folder, ${CONCURRENCY} worker slots each, in this process. pipeline: the embedded default (DuckDB state and warehouse, memory-first orchestration state), run concurrency ${CONCURRENCY}; the peers write no data.`,
      'Timestamps are taken inside the job functions (first and last statement of the step\'s code); handoff = one step\'s return → the next one\'s start, so it includes the engine\'s completion, the data write (pipeline, one-row write), the enqueue and the pick-up.',
      'The peers have no DAG: their job code adds the next step after a step returns, and a fan-in upstream records itself in a set (a PostgreSQL row under its lock / one Redis MULTI); the one that completes the set of five enqueues the downstream. pipeline runs the spec\'s own dependencies (critical reads, `min_rows: 0`).',
      'Throughput: N no-op jobs (pipeline: N partitions of a one-processor phase) submitted at once (bulk add for the peers), first submit → last return.',
      ...problems.map((p) => `fan-in problem: ${p}`),
    ],
  };
}
