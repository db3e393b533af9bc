// The status a push answers is the service's contract with Pub/Sub, one code per outcome:
// handled → 204 (ack); a retryable failure → 503 with the reason (Pub/Sub redelivers — a 2xx would
// drop the retry); a failure for good → 200 once the message is on the dead-letter queue (acked, so
// it is not redelivered forever); a message that breaks its contract → 400 with the reason.
// Each is checked through HTTP, with what the engine recorded behind it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { defineUntypedProcessor as defineProcessor, NonRetryableError, SourceUnavailableError } from '../../engine/runtime/processor.js';
import { call, PROCESSORS, push, runRequest, servicePlan, startTestService, type TestService } from './support.js';

const plan = servicePlan();
const HANDLED = '2025-03-01';
const FLAKY = '2025-03-02';
const BROKEN = '2025-03-03';

/** load_events succeeds, fails retryably or fails for good depending on the day it runs for. */
const loadEvents = defineProcessor('load_events', {
  run(ctx) {
    if (ctx.partition === FLAKY) throw new SourceUnavailableError('the source answered 502');
    if (ctx.partition === BROKEN) throw new NonRetryableError('the source sent a file with no header row');
    ctx.write([{ item: 'a', value: 1 }]);
  },
});

describe('push outcomes: the status code Pub/Sub acts on', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService({ executor: new ModuleExecutor({}, { ...PROCESSORS, load_events: loadEvents }) });
  });
  after(() => t.stop());

  const pushRun = (day: string, id: string) => call(t.base, 'POST', '/events/tiny-requests', push(runRequest(plan, 'load_events', day, `c-${id}`), id));
  const deadLetters = () => t.svc.backends.bus.listDeadLetters({ topic: 'tiny-requests' });

  it('acknowledges a handled message with 204 and no body', async () => {
    const r = await pushRun(HANDLED, 'ok-1');
    assert.equal(r.status, 204);
    assert.equal(r.body, null);
  });

  it('answers a retryable failure with 503, the reason and the backoff, so Pub/Sub redelivers', async () => {
    const r = await pushRun(FLAKY, 'flaky-1');
    assert.equal(r.status, 503);
    assert.match(r.body.error, /load_events: the source answered 502/);
    assert.equal(typeof r.body.retryAfterMs, 'number');
    assert.ok(t.lines.some((l) => l.severity === 'WARNING' && /retryable failure on tiny-requests/.test(l.message)));
    assert.deepEqual(await deadLetters(), [], 'a retry is not dead-lettered');
  });

  it('dead-letters a failure for good and acknowledges it with 200, saying so', async () => {
    const r = await pushRun(BROKEN, 'broken-1');
    assert.equal(r.status, 200);
    assert.equal(r.body.deadLettered, true);
    assert.match(r.body.reason, /load_events failed for good: \w*Error: the source sent a file with no header row/);
    const [dl, ...more] = await deadLetters();
    assert.deepEqual(more, []);
    assert.equal(dl?.message.data.partition, BROKEN);
    assert.match(dl!.reason, /failed for good/);
    assert.ok(t.lines.some((l) => l.severity === 'ERROR' && /dead-lettered message broken-1 from tiny-requests/.test(l.message)));
  });

  it('rejects a message that breaks its contract with 400 and the reason, running nothing', async () => {
    const r = await call(t.base, 'POST', '/events/tiny-requests', push({ ...runRequest(plan, 'load_events', HANDLED), processor_name: 'nobody' }, 'bad-1'));
    assert.equal(r.status, 400);
    assert.match(r.body.error, /run_requested message breaks the contract: processor_name must be one of/);
    assert.equal((await deadLetters()).length, 1, 'only the failure for good is on the dead-letter queue');
  });
});
