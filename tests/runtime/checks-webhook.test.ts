// Rule §8.11: a check is evaluated after its table's writer runs; a failing coverage check is recorded
// and sent to the alert sinks — here a webhook (a local HTTP server) whose URL comes from the env.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCascade } from '../../engine/runtime/cascade.js';
import type { CheckResult } from '../../engine/runtime/checks.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { DAY, harness, tinySpec } from './harness.js';

const spec = tinySpec({
  checks: { totals_cover: { table: 'mart.totals', kind: 'coverage', of: 'raw.events', entity: 'item', warn_below: 0.95, fail_below: 0.9 } },
  alerts: { hook: { type: 'webhook', url_env: 'HOOK_URL' } },
});

/** A local webhook receiver collecting JSON bodies. */
async function receiver() {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      bodies.push({ method: req.method, path: req.url, ...(JSON.parse(text) as Record<string, unknown>) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { bodies, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('checks and the webhook sink', () => {
  it('a failing coverage check reaches the webhook with the check, severity and partition', async () => {
    const hook = await receiver();
    const h = await harness(
      {
        load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }]) }),
        // totals forgets two of the three items: 33% coverage, below fail_below 0.9.
        totals: defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) }),
        summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 10 }]) }),
      },
      { spec, env: { HOOK_URL: hook.url } },
    );
    try {
      await runCascade(h, { dates: [DAY] });
      await h.engine.alerts.flush();

      const result = await h.state<CheckResult>('checks', `totals_cover|${DAY}`);
      assert.deepEqual([result?.status, result?.final], ['fail', false]);
      assert.match(result!.message, /^1\/3 item covered \(33\.3%\); missing b, c$/);
      assert.equal(h.logged('check:failed').length, 1);

      assert.equal(hook.bodies.length, 1);
      const [body] = hook.bodies;
      assert.deepEqual(
        [body!.method, body!.path, body!.kind, body!.check, body!.severity, body!.partition, body!.pipeline],
        ['POST', '/hook', 'check:failed', 'totals_cover', 'error', DAY, 'tiny'],
      );
      assert.deepEqual(h.engine.alerts.sent.map((s) => [s.sink, s.ok]), [['hook', true]]);
    } finally {
      await h.cleanup();
      await hook.close();
    }
  });

  it('a passing check sends nothing', async () => {
    const hook = await receiver();
    const h = await harness(
      {
        load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }]) }),
        totals: defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) }),
        summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 10 }]) }),
      },
      { spec, env: { HOOK_URL: hook.url } },
    );
    try {
      await runCascade(h, { dates: [DAY] });
      await h.engine.alerts.flush();

      assert.equal((await h.state<CheckResult>('checks', `totals_cover|${DAY}`))?.status, 'ok');
      assert.equal(h.logged('check:passed').length, 1);
      assert.deepEqual(hook.bodies, []);
    } finally {
      await h.cleanup();
      await hook.close();
    }
  });
});
