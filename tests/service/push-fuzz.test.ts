// A fuzz test of our own: 2,400 generated requests (seeded, so a failure replays) — unicode edge
// cases, deep nesting, bad encodings, wrong types, and engine, unified, legacy and GCS messages with
// fields missing or mangled — against one service on the local backend. No answer may be a 5xx, nothing
// may be logged as an ERROR, and afterwards a valid event still runs its whole cascade.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET, call, push, rawRequest, runRequest, servicePlan, startTestService, statesOf, type TestService } from './support.js';

const plan = servicePlan();
const COUNT = 2400;

/** mulberry32: small, seeded, good enough to pick cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNICODE = ['\ud800', '\udfff', '\udc00\ud800', '\ud83d\ude00', '\u0000', '\ufeff', '\ufffe', '\uffff', '\u202e', 'e\u0301', '\u{10ffff}', '𝔘𝔫𝔦', '', ' ', 'a'.repeat(5000), '../../etc/passwd', '%ZZ', '\\', '"', '\n\r\t'];
const VALUES: unknown[] = [null, true, false, 0, -1, 1e308, -0, 3.14, '', 'x', [], {}, [null], { a: 1 }, '2025-02-30', '9999-99-99', 'NaN', Number.MAX_SAFE_INTEGER + 2];

describe('push fuzz', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService({ bodyTimeoutMs: 2000 });
  });
  after(() => t.stop());

  it(`answers ${COUNT} generated requests without a 5xx and still handles a valid event`, async () => {
    const rnd = prng(20250201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const day = () => `2025-03-${String(1 + Math.floor(rnd() * 5)).padStart(2, '0')}`;
    const templates: Array<() => Record<string, unknown>> = [
      () => runRequest(plan, pick(['load_events', 'totals', 'summary', 'nope']), day(), `fz-${Math.floor(rnd() * 1e6)}`),
      () => ({ scraper_name: 'drop_scraper', gcs_path: `gs://${BUCKET}/drops/${day()}/x.json`, status: 'success', execution_id: 'e1', record_count: 3 }),
      () => ({ processor_name: 'drop_scraper', status: 'success', game_date: day(), output_dataset: 'raw', output_table: 'events', record_count: 2 }),
      () => ({ kind: 'storage#object', bucket: BUCKET, name: `drops/${day()}/y.json`, timeCreated: new Date().toISOString() }),
    ];
    const mutate = (m: Record<string, unknown>): unknown => {
      const keys = Object.keys(m);
      switch (Math.floor(rnd() * 7)) {
        case 0: // a field missing
          delete m[pick(keys)];
          return m;
        case 1: // a field of the wrong type
          m[pick(keys)] = pick(VALUES);
          return m;
        case 2: // a unicode edge case in a field
          m[pick(keys)] = `${pick(UNICODE)}${pick(UNICODE)}`;
          return m;
        case 3: { // deep nesting in a field
          // A marker the serializer expands: a 100k-deep value cannot be built and stringified here.
          m[pick(keys)] = `__DEEP_${pick([10, 63, 65, 1000, 100_000])}__`;
          return m;
        }
        case 4: // unicode in a key
          m[pick(UNICODE)] = 'v';
          return m;
        case 5: // not an object at all
          return pick(VALUES);
        default: // unchanged: a valid message among the noise
          return m;
      }
    };
    const serialize = (v: unknown) => (JSON.stringify(v) ?? 'null').replace(/"__DEEP_(\d+)__"/g, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`);
    // A request: mostly pushes on the ingest and request topics, some raw abuse of the envelope and paths.
    const shapes: Array<() => Promise<number>> = [
      async () => {
        const data = serialize(mutate(pick(templates)()));
        const attrs: Record<string, string> = rnd() < 0.2 ? { eventType: pick(['OBJECT_FINALIZE', 'OBJECT_DELETE', '']), bucketId: pick([BUCKET, 'other', '']), objectId: `drops/${day()}/z.json` } : {};
        const topic = pick(['tiny-ingest', 'tiny-requests', 'tiny-transform', 'nope']);
        return (await call(t.base, 'POST', `/events/${topic}`, push(data, `m${Math.floor(rnd() * 1e9)}`, attrs))).status;
      },
      async () => {
        const envelope = pick<unknown>([
          { message: { data: pick(['', '====', 'not base64!', Buffer.from([0xc3, 0x28]).toString('base64'), Buffer.from('[1,2]').toString('base64'), 42]) } },
          { message: { data: Buffer.from('{}').toString('base64'), attributes: pick<unknown>([[], 'x', { a: 1 }, { a: null }]) } },
          { message: { data: Buffer.from('{}').toString('base64'), messageId: pick<unknown>([1, {}, null]), publishTime: pick<unknown>(['yesterday', 5, null]) }, deliveryAttempt: pick<unknown>(['1', -1, 1.5]) },
          { message: pick<unknown>([null, [], 'x', 5]) },
          pick(VALUES),
        ]);
        return (await call(t.base, 'POST', '/events/tiny-ingest', envelope)).status;
      },
      async () => {
        const body = pick<Buffer | string>([
          Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"a":"\\ud800"}'), `{"a":${'{"b":'.repeat(5000)}1${'}'.repeat(5000)}}`,
          '{"message":', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'null', '',
        ]);
        return (await call(t.base, 'POST', pick(['/events/tiny-ingest', '/trigger', '/reconcile']), body, { 'content-type': pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded']) })).status;
      },
      async () => {
        const p = pick(['/events/%ZZ', '/runs/%ZZ', '/trace/%', '/trace/%C0%AF', `/runs/${encodeURIComponent(pick(UNICODE.filter((u) => !/[\ud800-\udfff]/.test(u)))) || 'x'}`, '/status?date=%ZZ', '/explain/summary?date=2025-02-30', '/explain/%00?date=2025-01-01', '/healthz/../status']);
        return (await rawRequest(t.port, `${pick(['GET', 'POST', 'DELETE'])} ${p} HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 2\nConnection: close\n`, '{}')).status;
      },
      async () => {
        const b: Record<string, unknown> = { processor: pick(['load_events', 'nope', 5, null]), date: pick([day(), '2025-13-01', 7, undefined]) };
        if (rnd() < 0.5) b.scope = pick<unknown>([null, { kind: 'item', ids: ['a'] }, { kind: 'item', ids: [1] }, { kind: 'item' }, 'x']);
        if (rnd() < 0.3) b.backfill = pick<unknown>([{ stop_after: 'transform' }, { stop_after: 'nope' }, 'x', null, { reason: 5 }]);
        if (rnd() < 0.3) b.to = pick(['2026-12-31', day(), 'x']);
        return (await call(t.base, 'POST', '/trigger', b)).status;
      },
    ];

    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const status = await pick(shapes)();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 || status === 0) fivexx.push(`request ${i}: ${status}`);
    }
    await t.idle();
    assert.deepEqual(fivexx, [], `answers by status: ${JSON.stringify([...statuses].sort())}`);
    assert.ok((statuses.get(400) ?? 0) > COUNT / 4, 'most generated requests are refused');
    assert.ok((statuses.get(204) ?? 0) + (statuses.get(202) ?? 0) > 20, 'valid messages among the noise are handled');
    assert.deepEqual(t.lines.filter((l) => l.severity === 'ERROR').map((l) => l.message).slice(0, 5), []);

    const after = await call(t.base, 'POST', '/events/tiny-requests', push(runRequest(plan, 'load_events', '2025-04-01'), 'after-fuzz'));
    assert.equal(after.status, 204);
    const states = await statesOf(t, '2025-04-01');
    assert.deepEqual([states.load_events, states.totals, states.summary], ['succeeded', 'succeeded', 'succeeded']);
    assert.equal((await call(t.base, 'GET', '/healthz')).body.status, 'ok');
  });
});
