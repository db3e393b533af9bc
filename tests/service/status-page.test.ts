// The status page's routes (issue 12): the page and its script are served from the package, the DAG
// comes laid out for every processor, a processor's runs and dead letters are answered, replays need
// a confirmed body, and every bad request is a 4xx with its reason. With OIDC configured the page and
// its data need a token unless the operator opened the read-only routes (`publicStatus`); a replay
// needs one always.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestService } from './support.js';

describe('the status page routes', () => {
  it('serve the page, the laid-out DAG and a processor\'s detail; refuse bad requests with a reason', async () => {
    const t = await startTestService();
    try {
      const page = await fetch(`${t.base}/?date=2025-01-01`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      assert.match(await page.text(), /<script type="module" src="\/ui\/app\.js">/);
      const js = await fetch(`${t.base}/ui/app.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-type')!, /javascript/);

      const g = await call(t.base, 'GET', '/api/graph');
      assert.equal(g.status, 200);
      const ids = (g.body.graph.nodes as Array<{ id: string; kind: string }>).filter((n) => n.kind === 'processor').map((n) => n.id.slice(2)).sort();
      assert.deepEqual(ids, Object.keys(g.body.processors).sort());
      assert.equal(g.body.timezone, 'UTC');

      await call(t.base, 'POST', '/trigger', { processor: 'load_events', date: '2025-01-01' });
      await t.idle();
      const d = await call(t.base, 'GET', '/api/processor/load_events?date=2025-01-01');
      assert.equal(d.status, 200);
      assert.equal(d.body.runs[0].status, 'succeeded');
      assert.ok(d.body.decisions.some((e: { event: string }) => e.event === 'run:succeeded'));

      const bad: Array<[string, string, unknown, number, RegExp]> = [
        ['GET', '/?date=2025-13-45', undefined, 400, /give \?date=YYYY-MM-DD/],
        ['GET', '/api/processor/load_events', undefined, 400, /give \?date=YYYY-MM-DD/],
        ['GET', '/api/processor/totalz?date=2025-01-01', undefined, 404, /unknown processor totalz \(did you mean totals\?\)/],
        ['POST', '/dlq/replay', { ids: ['x'] }, 400, /confirm/],
        ['POST', '/dlq/replay', { ids: [], confirm: true }, 400, /ids/],
        ['POST', '/dlq/replay', { ids: ['nope'], confirm: true }, 404, /nope: no such dead letter/],
        ['GET', '/dlq/replay', undefined, 405, /use POST/],
      ];
      for (const [method, url, body, status, reason] of bad) {
        const r = await call(t.base, method, url, body);
        assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error, reason, `${method} ${url}`);
      }
    } finally {
      await t.stop();
    }
  });

  it('need a token with OIDC unless the read-only routes are opened; a replay needs one always', async () => {
    const oidc = { audience: 'https://svc.example.test', emails: [], certsUrl: 'http://127.0.0.1:9/certs' };
    const closed = await startTestService({ oidc });
    try {
      for (const url of ['/', '/ui/app.js', '/api/graph', '/status?date=2025-01-01']) assert.equal((await call(closed.base, 'GET', url)).status, 401, url);
      assert.equal((await call(closed.base, 'GET', '/healthz')).status, 200);
    } finally {
      await closed.stop();
    }
    const open = await startTestService({ oidc, publicStatus: true });
    try {
      for (const url of ['/', '/ui/app.js', '/api/graph', '/status?date=2025-01-01', '/api/processor/totals?date=2025-01-01']) assert.equal((await call(open.base, 'GET', url)).status, 200, url);
      assert.equal((await call(open.base, 'POST', '/dlq/replay', { ids: ['x'], confirm: true })).status, 401);
      assert.equal((await call(open.base, 'POST', '/trigger', { processor: 'load_events', date: '2025-01-01' })).status, 401);
    } finally {
      await open.stop();
    }
  });
});
