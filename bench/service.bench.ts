// /events throughput and handling overhead on loopback: the one service on the local backends, with a
// processor that writes one row per event (what users' processors do) and with a no-op one (the
// engine's own overhead). Each push is a real run request (decode, contract check, normalize, route,
// decide, claim, run, the row's upsert, complete, publish).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { planFromText } from '../engine/spec/index.js';
import { ModuleExecutor } from '../engine/runtime/executor.js';
import { defineUntypedProcessor } from '../engine/runtime/processor.js';
import { startService } from '../engine/service/start.js';
import { toWire } from '../engine/core/messages.js';
import { addDays } from '../engine/core/dates.js';
import { ms, percentile, verdict, type Result } from './lib.js';

const SPEC = `
version: 1
name: svcbench
partition: { key: day }
datasets:
  d:
    tables:
      out: { columns: { day: { type: date }, k: { type: string } }, key: [k] }
phases:
  only: { number: 1, topic: svcbench-only }
processors:
  noop: { phase: only, module: none.ts, writes: d.out }
`;

interface Measured {
  rate: number;
  latencies: number[];
  serial: number[];
}

/**
 * The load generator runs on a thread of its own, as Pub/Sub's pushes come from outside the service:
 * in the service's own event loop the client's work (undici, timing) would be billed to the service.
 * Plain JavaScript (no tsx in the worker).
 */
const PUSHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('undici');
(async () => {
  const { url, bodies, serialBodies, concurrency, warmUp } = workerData;
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const push = async (body) => {
    const t = performance.now();
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
    await res.body.dump();
    if (res.statusCode !== 204) throw new Error('status ' + res.statusCode);
    return performance.now() - t;
  };
  for (let i = 0; i < warmUp; i++) await push(bodies[i]); // JIT, connections
  const latencies = [];
  let next = warmUp;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) latencies.push(await push(bodies[next++]));
  }));
  const wall = performance.now() - t0;
  const serial = [];
  for (const b of serialBodies) serial.push(await push(b));
  await agent.close();
  parentPort.postMessage({ latencies, serial, wall });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

function pushFromWorker(data: { url: string; bodies: string[]; serialBodies: string[]; concurrency: number; warmUp: number }): Promise<{ latencies: number[]; serial: number[]; wall: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(PUSHER, { eval: true, workerData: data });
    w.once('message', (m: { error?: string; latencies: number[]; serial: number[]; wall: number }) => (m.error ? reject(new Error(`service bench pusher: ${m.error}`)) : resolve(m)));
    w.once('error', reject);
  });
}

async function measure(write: boolean, total: number, concurrency: number): Promise<Measured> {
  const plan = planFromText(SPEC, 'svcbench.yaml', os.tmpdir(), { checkModules: false }).plan!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-svcbench-'));
  const svc = await startService({
    plan, backend: 'local', port: 0, host: '127.0.0.1', env: {}, dir, background: false,
    logger: { log: () => undefined },
    executor: new ModuleExecutor({}, { noop: defineUntypedProcessor('noop', { run: (ctx) => void (write && ctx.write([{ k: 'a' }])) }) }),
  });
  const url = `http://127.0.0.1:${svc.port}/events/svcbench-requests`;
  const body = (r: ReturnType<typeof svc.engine.request>, id: string) =>
    JSON.stringify({ message: { data: Buffer.from(JSON.stringify(toWire(plan, r).data)).toString('base64'), attributes: {}, messageId: id }, subscription: 's' });
  const bodies = Array.from({ length: total }, (_, i) => body(svc.engine.request('noop', addDays('2000-01-01', i), { reason: 'manual', source: 'bench' }), `m${i}`));
  // Sequential pushes afterwards: latency without queueing behind other requests.
  const serialBodies = Array.from({ length: 200 }, (_, i) => body(svc.engine.request('noop', addDays('1990-01-01', i), { reason: 'manual', source: 'bench' }), `s${i}`));
  const out = await pushFromWorker({ url, bodies, serialBodies, concurrency, warmUp: 50 });
  await svc.stop(2000);
  rmSync(dir, { recursive: true, force: true });
  const { latencies, serial, wall } = out;
  return { rate: latencies.length / (wall / 1000), latencies, serial };
}

export async function serviceBench(opts: { events?: number; concurrency?: number } = {}): Promise<Result> {
  const total = opts.events ?? 3000;
  const concurrency = opts.concurrency ?? 16;
  const rows: Result['rows'] = [['setup', `local backends (default durability), ${total - 50} run requests pushed with ${concurrency} in flight on loopback, after 50 warm-up pushes`, '-']];
  for (const write of [true, false]) {
    const m = await measure(write, total, concurrency);
    const what = write ? 'one-row write per event' : 'no-op processor';
    rows.push(
      [`${what}: throughput`, `${m.rate.toFixed(0)} events/s`, write ? verdict(m.rate >= 1000, '≥ 1,000 events/s with a write') : '-'],
      [`${what}: latency under load p50 / p99`, `${ms(percentile(m.latencies, 50))} / ${ms(percentile(m.latencies, 99))}`, '-'],
      [`${what}: one request at a time p50 / p99`, `${ms(percentile(m.serial, 50))} / ${ms(percentile(m.serial, 99))}`, verdict(percentile(m.serial, 99) <= 20, 'p99 ≤ 20 ms')],
    );
  }
  return {
    name: '/events throughput and handling overhead (issue 6)',
    rows,
    notes: [
      'Every push is a full run: decode, contract check, normalize, route, decide and claim (one state transaction), run, the upsert of its row (write-behind: in memory, persisted with the next state flush), complete (one state transaction), outbox publish.',
      'Under load, latency includes queueing behind the other in-flight requests on one Node process (2 cores).',
      'The pushes come from a worker thread (undici), as Pub/Sub\'s come from outside the service; until 2026-12-07 the client ran in the service\'s own event loop, which billed its work to the service.',
    ],
  };
}
