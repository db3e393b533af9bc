// Poison messages and terminal failures end on the dead-letter topic and never loop (issue 6 §5.3,
// rules §6 and §8.9), with real Pub/Sub push and dead-letter policies:
//   - a push whose body breaks its contract (an unknown asset) is answered 400 on every delivery;
//     the push subscription's dead-letter policy moves it to `{topic}-dlq` after max attempts
//     (5, Pub/Sub's minimum), with the CloudPubSubDeadLetterSource* attributes — 400s = attempts;
//   - a processor failing with a non-retryable error is dead-lettered by the runtime itself, with a
//     `reason` attribute, the push is acknowledged (200), and the run is failed for good: the same
//     trigger again is skipped (skip:terminal), not rerun.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toWire } from '../../engine/core/messages.js';
import type { AttemptState } from '../../engine/core/types.js';
import { deadLetterSubscriptionName, pushSubscriptionName } from '../../engine/infra/topology.js';
import { defineUntypedProcessor, NonRetryableError } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { StatusReport } from '../../engine/runtime/inspect.js';
import { DAY, tinyPlan } from '../runtime/harness.js';
import { getJson, integrationOptions, pullMessages, seedTable, startEmulators, startWorld, waitFor, type Emulators, type World } from './support.js';

const plan = tinyPlan();
const [INGEST, TRANSFORM] = plan.phases.map((p) => p.topic) as [string, string];
const MAX_ATTEMPTS = 5;

describe('poison messages and terminal failures on Pub/Sub', integrationOptions(), () => {
  let emu: Emulators;
  let w: World | undefined;
  const calls = { totals: 0, summary: 0 };
  const processors = () => ({
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      run() {
        calls.totals++;
        throw new NonRetryableError('the input is malformed beyond repair');
      },
    }),
    summary: defineUntypedProcessor('summary', {
      run() {
        calls.summary++;
      },
    }),
  });

  before(async () => {
    emu = await startEmulators();
  });
  afterEach(async () => {
    await w?.cleanup();
    w = undefined;
  });
  after(async () => {
    await emu?.stop();
  });

  it('answers a contract-breaking push 400 until the dead-letter policy ends it after max attempts', { timeout: 55_000 }, async () => {
    w = await startWorld(emu, { name: 'poison', plan, processors });
    const [inst] = w.instances;
    const sub = w.topology.result.changes.find((c) => c.name === pushSubscriptionName(INGEST));
    assert.ok(sub, 'the push subscription was created');
    const [meta] = await w.topology.client.subscription(pushSubscriptionName(INGEST)).getMetadata();
    assert.equal(meta.pushConfig?.pushEndpoint, `${w.proxy.url}/events/${INGEST}`);
    assert.equal(meta.deadLetterPolicy?.maxDeliveryAttempts, MAX_ATTEMPTS, 'the spec\'s 3 attempts, raised to Pub/Sub\'s minimum');
    assert.equal(Number(meta.retryPolicy?.minimumBackoff?.seconds), 1, 'the spec\'s 10ms backoff, in whole seconds');
    const good = toWire(plan, await seedTable(inst!.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }], 'seed-1'));
    const id = await w.publishWire(INGEST, { data: { ...good.data, asset: 'raw.nope' }, attributes: {} });

    const [dead] = await pullMessages(w.topology.client, deadLetterSubscriptionName(INGEST), 1, 30_000);
    assert.equal(dead!.data.asset, 'raw.nope');
    assert.equal(dead!.attributes.CloudPubSubDeadLetterSourceDeliveryCount, String(MAX_ATTEMPTS));
    assert.equal(dead!.attributes.CloudPubSubDeadLetterSourceSubscription, pushSubscriptionName(INGEST));
    assert.equal(dead!.attributes.CloudPubSubDeadLetterSourceSubscriptionProject, w.project);

    // It never loops: the deliveries stop at max attempts, each answered 400 with the reason.
    await new Promise((r) => setTimeout(r, 3000));
    const answers = w.proxy.requests.filter((r) => r.messageId === id);
    assert.equal(answers.length, MAX_ATTEMPTS, answers.map((a) => a.status).join(','));
    assert.ok(answers.every((a) => a.status === 400));
    const rejected = inst!.lines.filter((l) => l.message.startsWith(`rejected message ${id}`));
    assert.equal(rejected.length, 1, 'logged once, not once per delivery');
    assert.match(rejected[0]!.message, /breaks the contract: asset must be one of/);
    assert.equal(calls.totals, 0, 'nothing ran');
    assert.deepEqual(await inst!.backends.state.query('runs', {}), []);
  });

  it('dead-letters a non-retryable processor failure itself, with the reason, and fails the run for good', { timeout: 55_000 }, async () => {
    w = await startWorld(emu, { name: 'terminal', plan, processors, observe: [TRANSFORM] });
    const [inst] = w.instances;
    const { backends } = inst!;
    const update = await seedTable(inst!.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }], 'seed-2');
    await w.publish(INGEST, update);

    const [dead] = await pullMessages(w.topology.client, deadLetterSubscriptionName(INGEST), 1, 20_000);
    assert.match(dead!.attributes.reason!, /^totals failed for good: Error: the input is malformed beyond repair/);
    assert.equal(dead!.attributes.source_topic, INGEST);
    assert.equal(dead!.attributes.attempts, '1');
    assert.equal(dead!.data.asset, 'raw.events', 'the original message is kept');
    assert.equal(dead!.attributes.CloudPubSubDeadLetterSourceDeliveryCount, undefined, 'dead-lettered by the runtime, not by the policy');
    await w.proxy.idle(1000);
    assert.deepEqual(w.proxy.to(`/events/${INGEST}`).map((r) => r.status), [200], 'acknowledged once: no redelivery');

    const runs = await backends.state.query<RunRecord>('runs', { eq: { processor: 'totals' } });
    assert.deepEqual(runs.map((r) => [r.status, r.errorType]), [['failed', 'Error']]);
    const attempts = await backends.state.get<AttemptState>('attempts', `totals|${DAY}`);
    assert.equal(attempts?.terminal, true);
    const status = (await getJson<StatusReport>(`${inst!.url}/status?date=${DAY}`)).body;
    assert.equal(status.processors.find((p) => p.processor === 'totals')?.state, 'failed');
    assert.ok(inst!.lines.some((l) => l.severity === 'ERROR' && l.message.startsWith('dead-lettered message')));

    // The same trigger again: failed for good means skipped, not rerun, and nothing downstream.
    await w.publish(INGEST, update);
    await waitFor(() => inst!.logged('skip:terminal', 'totals').length === 1, 'skip:terminal for the redelivered trigger', 15_000);
    await w.proxy.idle(1000);
    assert.deepEqual(w.proxy.to(`/events/${INGEST}`).map((r) => r.status), [200, 204]);
    assert.equal(calls.totals, 1);
    assert.equal(calls.summary, 0);
    assert.equal(w.observer.messages(TRANSFORM).length, 0);
    assert.deepEqual((await backends.bus.listDeadLetters({ topic: INGEST })).length, 0, 'the one dead letter was pulled above; no second one');
  });
});
