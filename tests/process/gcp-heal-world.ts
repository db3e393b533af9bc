// The heal project (gcp-project.ts) deployed on the emulators for process tests: a BigQuery fake, the
// topology applied with its push subscriptions to a forwarder that delivers every push to every live
// `serve --backend gcp` child (gcp-children.ts), an observer of the phase topics and the request topic, and a reader of the
// Firestore state. Also the two steps the crash stories share: kill the child whose `left` blocks, and
// check afterwards that the cascade completed with every output exactly once.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableSql } from '../../engine/backends/gcp/bigquery-layout.js';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import type { GateFire, Lease, PartitionVersion, PendingMark } from '../../engine/core/types.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { FakeBigQuery } from '../backends-gcp/fake-bigquery.js';
import { applyTopology, observe, waitFor, type AppliedTopology, type Emulators, type Observer } from '../integration/support.js';
import { count, describeState, emulatorEnv, isLive, serve, startForwarder, traceOf, type Child, type Forwarder } from './gcp-children.js';
import { HEAL_DAY, HEAL_PLAN, HEAL_REQUESTS, HEAL_TOPICS, writeHealProject } from './gcp-project.js';

export interface HealWorld {
  dir: string;
  spec: string;
  project: string;
  bigquery: FakeBigQuery;
  forwarder: Forwarder;
  observer: Observer;
  state: FirestoreStateStore;
  /** Every child started, live or not. */
  children: Child[];
  live(): Child[];
  /** The environment of a serve child: the emulators, the project, no credentials, a short lease. */
  serveEnv: Record<string, string>;
  /** Start `n` serve children (in parallel). */
  start(n: number): Promise<Child[]>;
  /** One trigger of the source through a child's /trigger (so the message carries its ticket). */
  trigger(via: Child): Promise<void>;
  /** Wait for `left` to block and `right` to be published, then SIGKILL the child running `left`. */
  killLeftRunner(): Promise<Child>;
  /** Wait (bounded) for `final` to succeed and no lease or open ticket to remain. */
  waitHealed(boundMs: number, survivor: Child): Promise<void>;
  /** Every output written and announced once, the gate fired once, the source ran once, `left` repaired on `survivor`. */
  assertExactlyOnce(survivor: Child): Promise<void>;
  close(): Promise<void>;
}

/** `holdMs`: how long a push waits for a live child when none is (startForwarder). */
export async function startHealWorld(emu: Emulators, name: string, opts: { leaseTtl: string; holdMs?: number }): Promise<HealWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pipeline-${name}-`));
  const spec = writeHealProject(dir);
  const project = emu.project(name);
  const bigquery = await new FakeBigQuery().start();
  // The warehouse counts a partition's rows after each write; readiness wants at least one.
  bigquery.answer(/SELECT COUNT\(\*\) AS n /, { fields: [{ name: 'n', type: 'INTEGER' }], rows: [['2']] });
  const children: Child[] = [];
  const live = () => children.filter(isLive);
  const forwarder = await startForwarder(live, opts.holdMs);
  let topology: AppliedTopology | undefined;
  let observer: Observer | undefined;
  const state = new FirestoreStateStore({ projectId: project });
  const close = async () => {
    for (const c of live()) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await observer?.close().catch(() => undefined);
    await topology?.close().catch(() => undefined);
    await forwarder.close();
    await state.close();
    await bigquery.stop();
    await emu.resetFirestore(project).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    topology = await applyTopology(HEAL_PLAN, forwarder.url, project);
    observer = await observe(topology.client, [...HEAL_TOPICS, HEAL_REQUESTS]);
  } catch (e) {
    await close();
    throw e;
  }
  const serveEnv = { ...emulatorEnv(bigquery.url), METADATA_SERVER_DETECTION: 'none', PIPELINE_PROJECT: project, PIPELINE_ALLOW_UNAUTHENTICATED: 'true', PIPELINE_LEASE_TTL: opts.leaseTtl, HEAL_DIR: dir };
  const stateText = async () => `${await describeState(state)}\ntrace: ${traceOf(dir).join(' | ')}`;
  const obs = observer;

  return {
    dir, spec, project, bigquery, forwarder, observer: obs, state, children, live, serveEnv, close,
    async start(n) {
      const started = await Promise.all(Array.from({ length: n }, () => serve(spec, serveEnv)));
      children.push(...started);
      return started;
    },
    async trigger(via) {
      const r = await fetch(`${via.url}/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processor: 'scrape', date: HEAL_DAY }) });
      assert.equal(r.status, 202, await r.text());
    },
    async killLeftRunner() {
      // `left` blocks in whichever process won its lease: kill that one, hard.
      const claim = path.join(dir, 'left.claim');
      await waitFor(() => existsSync(claim) && readFileSync(claim, 'utf8') !== '', 'left to start and block', 40_000);
      const victim = children.find((c) => c.pid === Number(readFileSync(claim, 'utf8')));
      assert.ok(victim, 'the blocked run is in one of the serve processes');
      // `right` ran beside it: let it finish and announce its output first, so the one run caught by
      // the kill is `left` (a run killed during its write would be repeated, which is right, but
      // makes the count of writes depend on timing).
      await waitFor(async () => (await state.query<RunRecord>('runs', { eq: { processor: 'right' } })).some((r) => r.status === 'succeeded'), 'right to succeed', 20_000, 100);
      await waitFor(async () => (await state.query('outbox', { eq: { kind: 'outbox' } })).length === 0 && obs.messages(HEAL_TOPICS[1]!).length === 1, 'right\'s update to be published', 20_000, 100);
      const lease = await state.get<Lease>('leases', `left|${HEAL_DAY}`);
      assert.equal(lease?.runner?.pid, victim.pid, `the lease names the victim as its runner\n${await stateText()}`);
      victim.proc.kill('SIGKILL');
      assert.equal((await victim.exited).signal, 'SIGKILL');
      return victim;
    },
    async waitHealed(boundMs, survivor) {
      await waitFor(async () => (await state.query<RunRecord>('runs', { eq: { processor: 'final' } })).some((r) => r.status === 'succeeded'), 'final to succeed after the kill', boundMs, 250).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await stateText()}\nsurvivor: ${survivor.out.map((l) => /"message":"([^"]*)"/.exec(l)?.[1] ?? l).join(' | ')}`);
      });
      await waitFor(async () => (await state.query('leases', {})).length === 0 && (await state.query<PendingMark>('pending', {})).length === 0, 'no lease or open ticket left', 15_000, 250);
      await obs.waitFor(HEAL_TOPICS[2]!, 1);
    },
    async assertExactlyOnce(survivor) {
      const trace = traceOf(dir);
      const versions = await state.query<PartitionVersion>('versions', {});
      console.log(`trace: ${trace.join(' | ')}; versions: ${versions.map((v) => `${v.asset} v${v.version}`).join(', ')}`);
      assert.equal(count(trace, 'start scrape'), 1, `the source ran once for its one trigger: ${trace.join(' | ')}`);
      assert.equal(count(trace, 'start left'), 2, 'left: the killed run and one repair');
      assert.deepEqual(trace.filter((l) => l.startsWith('end left')), [`end left ${survivor.pid}`], 'the repair ran on the survivor');
      for (const p of ['scrape', 'left', 'right', 'final']) assert.equal(count(trace, `end ${p}`), 1, `${p} finished once`);
      for (const table of ['raw.events', 'mart.left', 'mart.right', 'mart.final']) {
        assert.equal((await state.get<PartitionVersion>('versions', `${table}|${HEAL_DAY}`))?.version, 1, `${table}: one version`);
        const [dataset, tableName] = table.split('.') as [string, string];
        const merges = bigquery.of('jobs.insert').filter((r) => String(r.body?.configuration?.query?.query ?? '').startsWith(`MERGE ${tableSql(project, dataset, tableName)} AS T`));
        assert.equal(merges.length, 1, `${table}: written once (one MERGE)`);
      }
      // Each output announced once on its phase topic (raw.events on ingest, left+right on transform, final on publish).
      assert.deepEqual(HEAL_TOPICS.map((t) => obs.messages(t).length), [1, 2, 1], 'one table_updated per output');
      assert.equal((await state.get<GateFire>('gate_fires', `both|${HEAL_DAY}`))?.count, 1, 'the gate fired once');
      const leftRuns = await state.query<RunRecord>('runs', { eq: { processor: 'left' } });
      assert.deepEqual(leftRuns.map((r) => r.status).sort(), ['failed', 'succeeded']);
      assert.match(leftRuns.find((r) => r.status === 'failed')!.error ?? '', /lease reclaimed: it expired/);
    },
  };
}
