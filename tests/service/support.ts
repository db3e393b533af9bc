// Shared builders for the service tests: the tiny pipeline with a scraper collection in a bucket (so
// legacy scraper messages and GCS notifications have somewhere to go), its processors defined in the
// test, a service on the local backend on 127.0.0.1, push envelopes, and HTTP calls — typed JSON ones
// and raw bytes over a socket for what a well-behaved client would never send.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { toWire } from '../../engine/core/messages.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { defineUntypedProcessor as defineProcessor } from '../../engine/runtime/processor.js';
import type { LogSeverity, ServiceLogger } from '../../engine/service/log.js';
import { startService, type RunningService, type StartOptions } from '../../engine/service/start.js';
import type { Plan } from '../../engine/spec/plan.js';
import { tinyPlan, tinySpec } from '../runtime/harness.js';

export const BUCKET = 'svc-scraped';

/** The tiny pipeline, plus `scrape_drops` writing objects/drops (legacy + GCS accepted on ingest), read by load_events. */
export const SERVICE_SPEC = tinySpec({
  buckets: { scraped: { name: BUCKET } },
  objects: { drops: { bucket: 'scraped', path: 'drops/{date}/{name}.json' } },
  phases: { ingest: { number: 1, topic: 'tiny-ingest', accepts: ['unified', 'legacy', 'gcs'] } },
  processors: {
    scrape_drops: { phase: 'ingest', module: 'none.ts', writes: 'objects/drops', legacy_names: ['drop_scraper'] },
    load_events: { reads: { 'objects/drops': { critical: false } } },
  },
});

export const servicePlan = (): Plan => tinyPlan(SERVICE_SPEC);

export const PROCESSORS = {
  scrape_drops: defineProcessor('scrape_drops', { run() {} }),
  load_events: defineProcessor('load_events', { run(ctx) { ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]); } }),
  totals: defineProcessor('totals', { async run(ctx) { const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>; ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 }))); } }),
  summary: defineProcessor('summary', { async run(ctx) { const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>; ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]); } }),
};

export interface LogLine {
  severity: LogSeverity;
  message: string;
}

export interface TestService {
  svc: RunningService;
  base: string;
  port: number;
  lines: LogLine[];
  /** Until the local bus has delivered everything. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestService(over: Partial<StartOptions> = {}): Promise<TestService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-svc-'));
  const lines: LogLine[] = [];
  const logger: ServiceLogger = { log: (severity, message) => void lines.push({ severity, message }) };
  const svc = await startService({
    plan: servicePlan(), backend: 'local', port: 0, host: '127.0.0.1', env: {}, dir, logger, executor: new ModuleExecutor({}, PROCESSORS), background: false, ...over,
  });
  return {
    svc, lines, port: svc.port, base: `http://127.0.0.1:${svc.port}`,
    idle: () => (svc.backends.bus as unknown as { idle(): Promise<void> }).idle(),
    async stop() {
      await svc.stop(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Pub/Sub push envelope around `data` (JSON, or raw text as given). */
export function push(data: unknown, id = 'm1', attributes: Record<string, string> = {}) {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return { message: { data: Buffer.from(text).toString('base64'), attributes, messageId: id, publishTime: new Date().toISOString() }, subscription: 'projects/p/subscriptions/s' };
}

/** The wire form of a run request for `processor` on `day`. */
export function runRequest(plan: Plan, processor: string, day: string, correlationId = `c-${processor}-${day}`) {
  return toWire(plan, { type: 'run_requested', processor, partition: day, scope: null, reason: 'manual', source: 'test', correlationId, parents: [], backfill: null, emittedAt: Date.now() }).data;
}

export interface Answer {
  status: number;
  body: any;
}

/** A JSON call (string bodies are sent as they are). */
export async function call(base: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(`${base}${p}`, {
    method: method as 'GET', headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, body: parsed };
}

/** Raw bytes over a socket (a path fetch() would normalize, a body a client library would refuse); resolves with the status code. */
export function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0), text: got }));
    socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
    socket.end(body);
  });
}

/** Polls /status until every processor of `day` succeeded (or gives up after `tries`). */
export async function statesOf(t: TestService, day: string, tries = 100): Promise<Record<string, string>> {
  let states: Record<string, string> = {};
  for (let i = 0; i < tries; i++) {
    await t.idle();
    const s = await call(t.base, 'GET', `/status?date=${day}`);
    states = Object.fromEntries((s.body.processors as Array<{ processor: string; state: string }>).map((p) => [p.processor, p.state]));
    if (['load_events', 'totals', 'summary'].every((p) => states[p] === 'succeeded')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return states;
}
