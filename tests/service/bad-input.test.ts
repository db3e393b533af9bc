// Nothing a client sends breaks the service: each case of the bad-input list answers a 4xx with its
// reason, none is logged as an ERROR, and afterwards a valid push still runs its cascade — in
// particular a lone UTF-16 surrogate, which used to poison the local state store for every later event.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { defineUntypedProcessor as defineProcessor } from '../../engine/runtime/processor.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { BUCKET, call, PROCESSORS, push, rawRequest, runRequest, servicePlan, startTestService, statesOf, type TestService } from './support.js';

const plan = servicePlan();
const D = '2025-02-01';

describe('bad input answers 4xx with the reason and poisons nothing', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService({ bodyTimeoutMs: 300 });
  });
  after(() => t.stop());

  const events = (body: unknown, headers?: Record<string, string>) => call(t.base, 'POST', '/events/tiny-ingest', body, headers);
  const requests = (body: unknown) => call(t.base, 'POST', '/events/tiny-requests', body);

  it('refuses a lone UTF-16 surrogate in a push, in its attributes or in any body, and later events still run', async () => {
    const bad = JSON.stringify({ ...runRequest(plan, 'load_events', D), correlation_id: 'x' }).replace('"x"', '"\\ud800"');
    const r = await requests(push(bad, 'sur-1'));
    assert.equal(r.status, 400);
    assert.match(r.body.error, /lone UTF-16 surrogate at correlation_id/);
    const attrs = await call(t.base, 'POST', '/events/tiny-requests', JSON.stringify(push(runRequest(plan, 'load_events', D), 'sur-2', { k: 'x' })).replace('"k":"x"', '"k":"\\udc00"'));
    assert.equal(attrs.status, 400);
    assert.match(attrs.body.error, /lone UTF-16 surrogate at message\.attributes\.k/);
    const trigger = await call(t.base, 'POST', '/trigger', '{"processor":"load_events","date":"2025-02-01","scope":{"kind":"item","ids":["\\ud83d"]}}');
    assert.equal(trigger.status, 400);
    assert.match(trigger.body.error, /surrogate/);
    // A valid pair (an emoji) is fine, and the store is not poisoned.
    const ok = await requests(push(JSON.stringify({ ...runRequest(plan, 'load_events', D), correlation_id: 'x' }).replace('"x"', '"\\ud83d\\ude00"'), 'sur-3'));
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    assert.deepEqual(await statesOf(t, D), { scrape_drops: 'never-run', load_events: 'succeeded', totals: 'succeeded', summary: 'succeeded' });
  });

  it('refuses 100k-deep JSON in the body and in the message data', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = await events(deep);
    assert.equal(body.status, 400);
    assert.match(body.body.error, /nests deeper than 64 levels/);
    const data = await events(push(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'deep'));
    assert.equal(data.status, 400);
    assert.match(data.body.error, /`message.data` nests deeper/);
  });

  it('refuses bad percent-encoding in paths', async () => {
    for (const p of ['/events/%ZZ', '/runs/%ZZ', '/trace/%', '/explain/%E0%A4%A?date=2025-01-01']) {
      const r = await rawRequest(t.port, `GET ${p} HTTP/1.1\nHost: x\nConnection: close\n`);
      assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
      assert.match(r.text, /not valid percent-encoded UTF-8|405/, p);
    }
    const post = await rawRequest(t.port, 'POST /events/%ZZ HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 2\nConnection: close\n', '{}');
    assert.equal(post.status, 400);
  });

  it('refuses /trigger bodies that are not objects, and wrong types, without coercion', async () => {
    for (const b of ['null', '[]', '"load_events"', '5', 'true', '{"processor":5,"date":"2025-02-01"}', '{"processor":"load_events","date":20250201}', '{"processor":"load_events","date":"2025-02-01","force":"yes"}', '{"processor":"load_events","date":"2025-02-01","backfill":"x"}', '{"processor":"load_events","gate":"g","date":"2025-02-01"}']) {
      const r = await call(t.base, 'POST', '/trigger', b);
      assert.equal(r.status, 400, b);
      assert.equal(typeof r.body.error, 'string', b);
    }
  });

  it('refuses what is not JSON: other content types, bytes that are not UTF-8, prototype poisoning', async () => {
    const text = await events('{}', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    assert.match(text.body.error, /content-type "text\/plain" is not accepted: send application\/json/);
    const form = await rawRequest(t.port, 'POST /trigger HTTP/1.1\nHost: x\nContent-Length: 2\nConnection: close\n', '{}');
    assert.equal(form.status, 415, 'a body without a content type');
    const latin1 = await events(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
    assert.equal(latin1.status, 400);
    assert.match(latin1.body.error, /not UTF-8/);
    const data = await events({ message: { data: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64'), messageId: 'bin' } });
    assert.equal(data.status, 400);
    assert.match(data.body.error, /`message.data` is not UTF-8/);
    const proto = await events('{"__proto__":{"polluted":true},"message":{}}');
    assert.equal(proto.status, 400);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses legacy and unified statuses that are not known statuses', async () => {
    const legacy = { scraper_name: 'drop_scraper', gcs_path: `gs://${BUCKET}/drops/${D}/a.json`, status: 'sucess' };
    const r = await events(push(legacy, 'legacy-typo'));
    assert.equal(r.status, 400);
    assert.match(r.body.error, /status "sucess" is not a known status \(success, partial, no_data, failed\)/);
    const typed = await events(push({ ...legacy, status: 1 }, 'legacy-number'));
    assert.equal(typed.status, 400);
    const unified = await events(push({ processor_name: 'drop_scraper', status: 'done', game_date: D }, 'unified-typo'));
    assert.equal(unified.status, 400);
    assert.match(unified.body.error, /status "done" is not a known status/);
    const fine = await events(push({ ...legacy, status: 'success' }, 'legacy-ok'));
    assert.equal(fine.status, 204, JSON.stringify(fine.body));
  });

  it('refuses a GCS notification from a bucket the spec does not declare, or naming two buckets', async () => {
    const object = { kind: 'storage#object', bucket: 'someone-elses', name: `drops/${D}/b.json`, timeCreated: new Date().toISOString() };
    const r = await events(push(object, 'gcs-foreign', { eventType: 'OBJECT_FINALIZE', bucketId: 'someone-elses', objectId: object.name }));
    assert.equal(r.status, 400);
    assert.match(r.body.error, /bucket "someone-elses", which is not a bucket of tiny \(declared: svc-scraped\)/);
    const two = await events(push({ ...object, bucket: BUCKET }, 'gcs-two', { eventType: 'OBJECT_FINALIZE', bucketId: 'someone-elses', objectId: object.name }));
    assert.equal(two.status, 400);
    assert.match(two.body.error, /names two buckets/);
    const legacy = await events(push({ scraper_name: 'drop_scraper', gcs_path: `gs://someone-elses/drops/${D}/a.json`, status: 'success' }, 'legacy-foreign'));
    assert.equal(legacy.status, 400);
    const ours = await events(push({ ...object, bucket: BUCKET }, 'gcs-ours', { eventType: 'OBJECT_FINALIZE', bucketId: BUCKET, objectId: object.name }));
    assert.equal(ours.status, 204, JSON.stringify(ours.body));
  });

  it('answers a slow body 408 after the body timeout, and logs a client that goes away as INFO, not ERROR', async () => {
    const slow = await new Promise<string>((resolve, reject) => {
      const socket = connect(t.port, '127.0.0.1');
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(got));
      socket.write('POST /trigger HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"proc');
    });
    assert.match(slow, /^HTTP\/1\.1 408/);
    await new Promise<void>((resolve) => {
      const socket = connect(t.port, '127.0.0.1', () => {
        socket.write('POST /trigger HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"proc');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(t.lines.filter((l) => l.severity === 'ERROR').map((l) => l.message), []);
    assert.ok(t.lines.some((l) => l.severity === 'INFO' && /^client closed POST \/trigger/.test(l.message)), 'the abort is logged as INFO');
  });

  it('still handles a valid event after all of it', async () => {
    const day = '2025-02-02';
    const r = await requests(push(runRequest(plan, 'load_events', day), 'after-all'));
    assert.equal(r.status, 204);
    assert.equal((await statesOf(t, day)).summary, 'succeeded');
    assert.equal((await call(t.base, 'GET', '/healthz')).body.status, 'ok');
  });
});

describe('a request whose body arrived runs past the body timeout', () => {
  it('answers a push whose processor outlasts the body timeout', async () => {
    const slow = { ...PROCESSORS, load_events: defineProcessor('load_events', { async run(ctx) { await new Promise((r) => setTimeout(r, 600)); ctx.write([{ item: 'a', value: 1 }]); } }) };
    const t = await startTestService({ bodyTimeoutMs: 200, executor: new ModuleExecutor({}, slow) });
    try {
      const r = await call(t.base, 'POST', '/events/tiny-requests', push(runRequest(plan, 'load_events', D), 'slow'));
      assert.equal(r.status, 204);
    } finally {
      await t.stop();
    }
  });
});
