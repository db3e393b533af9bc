// The HTTP service on the local backend: push handling and the status codes Pub/Sub relies on, bad
// input (400/404/405/413/401), the read endpoints, and a graceful shutdown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { defineUntypedProcessor as defineProcessor } from '../../engine/runtime/processor.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { startService, type RunningService } from '../../engine/service/start.js';
import { toWire } from '../../engine/core/messages.js';
import { tinyPlan } from '../runtime/harness.js';
import type { ServiceLogger } from '../../engine/service/log.js';

const plan = tinyPlan();
const lines: Array<{ severity: string; message: string }> = [];
const logger: ServiceLogger = { log: (severity, message) => void lines.push({ severity, message }) };

const processors = {
  load_events: defineProcessor('load_events', { run(ctx) { ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]); } }),
  totals: defineProcessor('totals', { async run(ctx) { const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>; ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 }))); } }),
  summary: defineProcessor('summary', { async run(ctx) { const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>; ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]); } }),
};

function push(data: unknown, id = 'm1') {
  return { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes: {}, messageId: id, publishTime: new Date().toISOString() }, subscription: 'projects/p/subscriptions/s' };
}

async function call(base: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${base}${p}`, { method: method as 'GET', body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

describe('service on the local backend', () => {
  let svc: RunningService;
  let base: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-svc-'));
    svc = await startService({ plan, backend: 'local', port: 0, host: '127.0.0.1', env: {}, dir, logger, executor: new ModuleExecutor({}, processors), background: false });
    base = `http://127.0.0.1:${svc.port}`;
  });
  after(async () => {
    await svc.stop(2000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz with version, spec hash and backend', async () => {
    const r = await call(base, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.body.specHash, plan.specHash);
    assert.equal(r.body.backend, 'local');
    assert.match(r.body.version, /^\d+\.\d+\.\d+/);
  });

  it('handles a pushed run request and cascades to the end', async () => {
    const req = svc.engine.request('load_events', '2025-01-01', { reason: 'manual', source: 'test' });
    const r = await call(base, 'POST', '/events/tiny-requests', push(toWire(plan, req).data));
    assert.equal(r.status, 204);
    await (svc.backends.bus as unknown as { idle(): Promise<void> }).idle();
    const status = await call(base, 'GET', '/status?date=2025-01-01');
    assert.equal(status.status, 200);
    assert.deepEqual(status.body.processors.map((p: { state: string }) => p.state), ['succeeded', 'succeeded', 'succeeded']);
    const ex = await call(base, 'GET', '/explain/summary?date=2025-01-01');
    assert.ok(ex.body.some((e: { event: string }) => e.event === 'run:succeeded'));
    const runId = ex.body.find((e: { event: string }) => e.event === 'run:succeeded').executionId;
    const run = await call(base, 'GET', `/runs/${runId}`);
    assert.equal(run.body.status, 'succeeded');
    const tr = await call(base, 'GET', `/trace/${runId}`);
    assert.equal(tr.body.kind, 'run');
    assert.equal(tr.body.root.parents[0].run.processor, 'totals');
  });

  it('rejects bad pushes with 400 and a reason, logged once per message', async () => {
    const before = lines.filter((l) => l.message.startsWith('rejected')).length;
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /not JSON/],
      [{ nomessage: true }, /lacks `message`/],
      [{ message: {} }, /message.data/],
      [{ message: { data: '%%%' } }, /base64/],
      [{ message: { data: Buffer.from('not json').toString('base64') } }, /decode to JSON/],
      [push({ event_type: 'table_updated', asset: 'raw.nope', partition: '2025-01-01' }, 'incomplete'), /breaks the contract: .*missing "correlation_id"/],
      [push({ ...toWire(plan, { type: 'asset_updated', asset: 'raw.events', partition: '2025-01-01', version: 1, changedEntities: null, rows: 1, executionId: 'e1', processor: 'load_events', status: 'success', backfill: null, emittedAt: 0, origin: 'engine', correlationId: 'c1', parents: [] }).data, asset: 'raw.nope' }, 'bad-asset'), /raw\.nope|unknown asset|must be one of/],
    ];
    for (const [body, re] of cases) {
      const r = await call(base, 'POST', '/events/tiny-ingest', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, re);
    }
    await call(base, 'POST', '/events/tiny-ingest', cases[6]![0]);
    const after = lines.filter((l) => l.message.startsWith('rejected')).length;
    assert.equal(after - before, cases.length, 'each bad message logged once, even when redelivered');
  });

  it('answers 404 for unknown topics, schedules and routes, 405 for wrong methods, 413 for oversized bodies', async () => {
    assert.equal((await call(base, 'POST', '/events/nope', push({}))).status, 404);
    assert.equal((await call(base, 'POST', '/schedules/nope', {})).status, 404);
    assert.equal((await call(base, 'GET', '/nope')).status, 404);
    assert.equal((await call(base, 'GET', '/events/tiny-ingest')).status, 405);
    assert.equal((await call(base, 'POST', '/events/tiny-ingest', 'x'.repeat(2 * 1024 * 1024))).status, 413);
    assert.equal((await call(base, 'GET', '/status')).status, 400);
    assert.equal((await call(base, 'GET', '/explain/nope?date=2025-01-01')).status, 404);
  });

  it('triggers processors by HTTP and validates the body', async () => {
    assert.equal((await call(base, 'POST', '/trigger', { processor: 'nope', date: '2025-01-02' })).status, 404);
    assert.equal((await call(base, 'POST', '/trigger', { processor: 'load_events', date: '2025-13-01' })).status, 400);
    assert.equal((await call(base, 'POST', '/trigger', { date: '2025-01-02' })).status, 400);
    const r = await call(base, 'POST', '/trigger', { processor: 'load_events', from: '2025-01-02', to: '2025-01-03' });
    assert.equal(r.status, 202);
    assert.equal(r.body.accepted, 2);
    await (svc.backends.bus as unknown as { idle(): Promise<void> }).idle();
    const rec = await call(base, 'POST', '/reconcile', {});
    assert.equal(rec.status, 200);
    assert.equal(rec.body.leasesReclaimed, 0);
  });
});

describe('service with OIDC verification', () => {
  it('refuses missing and bad tokens with 401 and accepts a valid one', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwks: Server = createServer((_q, s) => s.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' }).end(JSON.stringify({ k1: pem })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const certsUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/certs`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-oidc-'));
    const svc = await startService({
      plan, backend: 'local', port: 0, host: '127.0.0.1', dir, logger, executor: new ModuleExecutor({}, processors), background: false,
      env: {}, oidc: { audience: 'https://svc', certsUrl, emails: ['push@p.iam.gserviceaccount.com'] },
    });
    const base = `http://127.0.0.1:${svc.port}`;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = (claims: Record<string, unknown>) => {
      const head = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
      const body = b64({ iss: 'https://accounts.google.com', aud: 'https://svc', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, email: 'push@p.iam.gserviceaccount.com', email_verified: true, ...claims });
      return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
    };
    try {
      assert.equal((await call(base, 'POST', '/reconcile', {})).status, 401);
      assert.equal((await call(base, 'POST', '/reconcile', {}, { authorization: 'Bearer x.y.z' })).status, 401);
      assert.equal((await call(base, 'POST', '/reconcile', {}, { authorization: `Bearer ${token({ aud: 'https://other' })}` })).status, 401);
      assert.equal((await call(base, 'POST', '/reconcile', {}, { authorization: `Bearer ${token({ email: 'evil@x.com' })}` })).status, 401);
      assert.equal((await call(base, 'POST', '/reconcile', {}, { authorization: `Bearer ${token({ exp: 1000 })}` })).status, 401);
      assert.equal((await call(base, 'POST', '/reconcile', {}, { authorization: `Bearer ${token({})}` })).status, 200);
      assert.equal((await call(base, 'GET', '/healthz')).status, 200, 'health checks need no token');
      assert.ok(lines.some((l) => l.message.startsWith('unauthenticated POST /reconcile')));
    } finally {
      await svc.stop(1000);
      jwks.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
