// Self-healing in production, with real processes: two `pipeline serve --backend gcp` CHILD PROCESSES
// on the Pub/Sub and Firestore emulators (BigQuery is a local HTTP fake in this process: no emulator
// exists), every push delivered to BOTH of them (a broadcasting forwarder stands between the push
// subscriptions and the children), and the one running a processor killed with SIGKILL mid-run.
//
// Nobody repairs by hand. Cloud Run instances run no timers between requests, so production heals by
// the generated Cloud Scheduler job, which POSTs /reconcile every few minutes to the service URL (any
// live instance). The test plays that scheduler and nothing else: a timer POSTs /reconcile every
// two seconds to the first instance that answers. With PIPELINE_LEASE_TTL=6s in the children, the
// dead runner's lease stops being renewed, expires, and the survivor's reconcile pass reclaims it.
// (Not 3 s: a contended transaction on the Firestore emulator takes seconds, so a renewal every
// second could arrive after a 3 s lease expired and fence a holder that is alive.)
//
// Expected: the cascade completes within a bound of seconds; every output is written (one MERGE per
// table) and announced exactly once; the gate fires once; the source ran once for its one trigger.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { tableSql } from '../../engine/backends/gcp/bigquery-layout.js';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import type { GateFire, Lease, PartitionVersion, PendingMark } from '../../engine/core/types.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { planFromText } from '../../engine/spec/index.js';
import { FakeBigQuery } from '../backends-gcp/fake-bigquery.js';
import { applyTopology, integrationOptions, observe, startEmulators, waitFor, type Emulators } from '../integration/support.js';
import { BIN, HEAL_SPEC, writeHealProject } from './gcp-project.js';

const DAY = '2025-06-01';
const plan = planFromText(HEAL_SPEC, 'heal.yaml', os.tmpdir(), { checkModules: false }).plan!;
const TOPICS = plan.phases.map((p) => p.topic);

interface Child {
  proc: ChildProcess;
  url: string;
  pid: number;
  out: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One `pipeline serve --backend gcp` process; resolves once it logged the port it serves on. */
async function serve(spec: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, '-f', spec, 'serve', '--backend', 'gcp', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  let err = '';
  // HEAL_DEBUG=1 shows the children's stderr as it comes.
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (process.env.HEAL_DEBUG) process.stderr.write(`[${proc.pid}] ${d.toString()}`);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  let partial = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving on port" line within 40 s; stderr: ${err}`)), 40_000);
    void exited.then((x) => reject(new Error(`serve exited (${x.code ?? x.signal}) before serving; stderr: ${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        out.push(l);
        const m = /serving on port (\d+)/.exec(l);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    });
  });
  return { proc, url: `http://127.0.0.1:${port}`, pid: proc.pid!, out, exited };
}

interface Forwarder {
  url: string;
  /** Per push: the topic and what each child answered (status, or `down`). */
  pushes: Array<{ topic: string; answers: string[] }>;
  close(): Promise<void>;
}

/**
 * Receives the emulator's pushes and POSTs each to every child at once. A push is acknowledged (204)
 * as soon as one child answers 2xx — each child's delivery counts, as Pub/Sub delivering the message
 * to two instances would; when none does, 503, and the emulator delivers it again.
 */
async function startForwarder(children: () => Child[]): Promise<Forwarder> {
  const pushes: Forwarder['pushes'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const topic = (req.url ?? '').replace(/^\/events\//, '');
      const record = { topic, answers: [] as string[] };
      pushes.push(record);
      let answered = false;
      const answer = (status: number) => {
        if (answered) return;
        answered = true;
        res.writeHead(status).end();
      };
      const sends = children().map(async (c) => {
        try {
          const r = await fetch(`${c.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await r.arrayBuffer();
          record.answers.push(String(r.status));
          if (r.ok) answer(204);
        } catch {
          record.answers.push('down');
        }
      });
      void Promise.allSettled(sends).then(() => answer(503));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, pushes,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** What Cloud Scheduler does with the generated reconcile job: POST /reconcile on a timer, to an instance that answers. */
function schedulerReconcile(children: () => Child[], everyMs: number) {
  const calls: Array<{ to: string; status: number }> = [];
  const timer = setInterval(() => void (async () => {
    for (const c of children()) {
      try {
        const r = await fetch(`${c.url}/reconcile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        await r.arrayBuffer();
        calls.push({ to: c.url, status: r.status });
        if (r.ok) return;
      } catch {
        // this instance is down: Cloud Run routes the call to another one
      }
    }
  })(), everyMs);
  return { calls, stop: () => clearInterval(timer) };
}

/** Leases, open tickets and runs, for a failure message. */
async function describeState(state: FirestoreStateStore): Promise<string> {
  const [leases, marks, runs] = await Promise.all([state.query<Lease>('leases', {}), state.query<PendingMark>('pending', {}), state.query<RunRecord>('runs', {})]);
  return [
    `leases: ${leases.map((l) => `${l.processor} (pid ${l.runner?.pid}, expires in ${l.expiresAt - Date.now()} ms)`).join(', ') || 'none'}`,
    `open: ${marks.map((m) => `${m.processor} ${m.tickets.length} ticket(s)${m.deferred ? ` held: ${m.deferred.reasons.join('; ')}` : ''}${m.failed ? ' failed' : ''}`).join(', ') || 'none'}`,
    `runs: ${runs.map((r) => `${r.processor} ${r.status}${r.error ? ` (${r.error})` : ''} pid ${r.runner}`).join(', ')}`,
  ].join('\n');
}

const traceOf = (dir: string) => (existsSync(path.join(dir, 'trace.log')) ? readFileSync(path.join(dir, 'trace.log'), 'utf8').trim().split('\n') : []);
const count = (lines: string[], what: string) => lines.filter((l) => l.startsWith(`${what} `)).length;

describe('two serve --backend gcp processes, one killed mid-run', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('heal through the scheduled reconcile: the cascade completes, every output once, the gate once, the source once', { timeout: 110_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-gcp-kill-'));
    const spec = writeHealProject(dir);
    const project = emu.project('heal');
    const bigquery = await new FakeBigQuery().start();
    // The warehouse counts a partition's rows after each write; readiness wants at least one.
    bigquery.answer(/SELECT COUNT\(\*\) AS n /, { fields: [{ name: 'n', type: 'INTEGER' }], rows: [['2']] });
    const children: Child[] = [];
    const live = () => children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    const forwarder = await startForwarder(live);
    const topology = await applyTopology(plan, forwarder.url, project);
    const observer = await observe(topology.client, TOPICS);
    const state = new FirestoreStateStore({ projectId: project });
    let scheduler: ReturnType<typeof schedulerReconcile> | undefined;
    try {
      const env = {
        PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST!, FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST!, METADATA_SERVER_DETECTION: 'none',
        PIPELINE_PROJECT: project, PIPELINE_BIGQUERY_ENDPOINT: bigquery.url, PIPELINE_ALLOW_UNAUTHENTICATED: 'true', PIPELINE_LEASE_TTL: '6s', HEAL_DIR: dir,
        // The spec has no collections, so Cloud Storage is never called; pointing it at a closed local
        // port tells serve that every Google service here is local (no credentials needed).
        PIPELINE_STORAGE_ENDPOINT: 'http://127.0.0.1:9',
      };
      children.push(...(await Promise.all([serve(spec, env), serve(spec, env)])));
      scheduler = schedulerReconcile(live, 2000);

      // One trigger of the source, as an operator (or a schedule) makes it: through one instance's
      // outbox, so the message carries its ticket; the forwarder then delivers it to both.
      const triggered = await fetch(`${children[0]!.url}/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processor: 'scrape', date: DAY }) });
      assert.equal(triggered.status, 202, await triggered.text());

      // `left` blocks in whichever process won its lease: kill that one, hard.
      const claim = path.join(dir, 'left.claim');
      await waitFor(() => existsSync(claim) && readFileSync(claim, 'utf8') !== '', 'left to start and block', 40_000);
      const victim = children.find((c) => c.pid === Number(readFileSync(claim, 'utf8')))!;
      assert.ok(victim, 'the blocked run is in one of the two serve processes');
      const survivor = children.find((c) => c !== victim)!;
      // `right` ran beside it: let it finish and announce its output first, so the one run caught by
      // the kill is `left` (a run killed during its write would be repeated, which is right, but
      // makes the count of writes depend on timing).
      await waitFor(async () => (await state.query<RunRecord>('runs', { eq: { processor: 'right' } })).some((r) => r.status === 'succeeded'), 'right to succeed', 20_000, 100);
      await waitFor(async () => (await state.query('outbox', { eq: { kind: 'outbox' } })).length === 0 && observer.messages(TOPICS[1]!).length === 1, 'right\'s update to be published', 20_000, 100);
      const lease = await state.get<Lease>('leases', `left|${DAY}`);
      assert.equal(lease?.runner?.pid, victim.pid, `the lease names the victim as its runner\n${await describeState(state)}\ntrace: ${traceOf(dir).join(' | ')}`);
      const killedAt = Date.now();
      victim.proc.kill('SIGKILL');
      assert.equal((await victim.exited).signal, 'SIGKILL');

      // No manual call: the scheduled reconcile and the pushes alone must finish the cascade.
      await waitFor(async () => (await state.query<RunRecord>('runs', { eq: { processor: 'final' } })).some((r) => r.status === 'succeeded'), 'final to succeed after the kill', 45_000, 250).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await describeState(state)}\nsurvivor: ${survivor.out.map((l) => /"message":"([^"]*)"/.exec(l)?.[1] ?? l).join(' | ')}\ntrace: ${traceOf(dir).join(' | ')}`);
      });
      await waitFor(async () => (await state.query('leases', {})).length === 0 && (await state.query<PendingMark>('pending', {})).length === 0, 'no lease or open ticket left', 15_000, 250);
      const healedMs = Date.now() - killedAt;
      await observer.waitFor(TOPICS[2]!, 1);

      const trace = traceOf(dir);
      const versions = await state.query<PartitionVersion>('versions', {});
      console.log(`trace: ${trace.join(' | ')}; versions: ${versions.map((v) => `${v.asset} v${v.version}`).join(', ')}`);
      assert.equal(count(trace, 'start scrape'), 1, `the source ran once for its one trigger: ${trace.join(' | ')}`);
      assert.equal(count(trace, 'start left'), 2, 'left: the killed run and one repair');
      assert.deepEqual(trace.filter((l) => l.startsWith('end left')), [`end left ${survivor.pid}`], 'the repair ran on the survivor');
      for (const p of ['scrape', 'left', 'right', 'final']) assert.equal(count(trace, `end ${p}`), 1, `${p} finished once`);

      for (const table of ['raw.events', 'mart.left', 'mart.right', 'mart.final']) {
        assert.equal((await state.get<PartitionVersion>('versions', `${table}|${DAY}`))?.version, 1, `${table}: one version`);
        const [dataset, name] = table.split('.') as [string, string];
        const merges = bigquery.of('jobs.insert').filter((r) => String(r.body?.configuration?.query?.query ?? '').startsWith(`MERGE ${tableSql(project, dataset, name)} AS T`));
        assert.equal(merges.length, 1, `${table}: written once (one MERGE)`);
      }
      // Each output announced once on its phase topic (raw.events on ingest, left+right on transform, final on publish).
      assert.deepEqual(TOPICS.map((t) => observer.messages(t).length), [1, 2, 1], 'one table_updated per output');
      const fire = await state.get<GateFire>('gate_fires', `both|${DAY}`);
      assert.equal(fire?.count, 1, 'the gate fired once');

      const leftRuns = await state.query<RunRecord>('runs', { eq: { processor: 'left' } });
      assert.deepEqual(leftRuns.map((r) => r.status).sort(), ['failed', 'succeeded']);
      assert.match(leftRuns.find((r) => r.status === 'failed')!.error ?? '', /lease reclaimed: it expired/);
      assert.ok(survivor.out.some((l) => /"event":"lease:reclaimed"/.test(l)), 'the survivor reclaimed the lease in a scheduled reconcile pass');
      assert.ok(scheduler.calls.every((c) => c.to === survivor.url || c.status === 200), 'reconcile calls were answered');
      console.log(`pushes: ${forwarder.pushes.length} (${forwarder.pushes.map((p) => `${p.topic}:${p.answers.join('/')}`).join(', ')}); scheduled reconciles: ${scheduler.calls.length}; kill → final succeeded: ${healedMs} ms`);
    } finally {
      scheduler?.stop();
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await observer.close().catch(() => undefined);
      await topology.close().catch(() => undefined);
      await forwarder.close();
      await state.close();
      await bigquery.stop();
      await emu.resetFirestore(project).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
