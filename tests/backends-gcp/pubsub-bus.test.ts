// The Pub/Sub bus against the real Pub/Sub emulator: publish with attributes, dead-letter to
// `{topic}-dlq`, list dead letters without consuming them, mark them replayed (acknowledged).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PubSub, v1 } from '@google-cloud/pubsub';
import { PubSubBus } from '../../engine/backends/gcp/pubsub-bus.js';
import { pubsubTestOptions, startPubSubEmulator, type RunningEmulator } from '../harness/pubsub-emulator.js';

const PROJECT = 'test-pubsub-bus';
const TOPIC = 'nba-phase2-raw-complete';
const OTHER = 'pipeline-requests';

describe('PubSubBus on the emulator', pubsubTestOptions(), () => {
  let emu: RunningEmulator;
  let admin: PubSub;
  let bus: PubSubBus;
  let sub: v1.SubscriberClient;

  const pullAll = async (subscription: string) => {
    const [res] = await sub.pull({ subscription: `projects/${PROJECT}/subscriptions/${subscription}`, maxMessages: 100, returnImmediately: true });
    const got = res.receivedMessages ?? [];
    if (got.length) await sub.acknowledge({ subscription: `projects/${PROJECT}/subscriptions/${subscription}`, ackIds: got.map((m) => m.ackId!) });
    return got.map((m) => ({ id: m.message!.messageId!, data: JSON.parse(Buffer.from(m.message!.data!).toString()), attributes: m.message!.attributes! }));
  };

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    emu = await startPubSubEmulator();
    process.env.PUBSUB_EMULATOR_HOST = emu.host;
    admin = new PubSub({ projectId: PROJECT });
    for (const t of [TOPIC, OTHER]) {
      await admin.createTopic(t);
      await admin.createTopic(`${t}-dlq`);
      await admin.topic(t).createSubscription(`${t}-test-sub`);
      await admin.topic(`${t}-dlq`).createSubscription(`${t}-dlq-sub`, { ackDeadlineSeconds: 60 });
    }
    sub = new v1.SubscriberClient((await admin.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    bus = new PubSubBus({ projectId: PROJECT, topics: [TOPIC, OTHER] });
  });
  after(async () => {
    await bus?.close();
    await sub?.close();
    await admin?.close();
    await emu?.stop();
  });

  it('publishes the JSON body with the routing attributes', async () => {
    const id = await bus.publish(TOPIC, {
      data: { event_type: 'table_updated', partition: '2025-11-15', correlation_id: 'c1', rows: 3 },
      attributes: { event_type: 'table_updated', processor: 'p1' },
    });
    assert.match(id, /\S+/);
    const [m] = await pullAll(`${TOPIC}-test-sub`);
    assert.equal(m!.id, id);
    assert.deepEqual(m!.data, { event_type: 'table_updated', partition: '2025-11-15', correlation_id: 'c1', rows: 3 });
    assert.deepEqual(m!.attributes, { event_type: 'table_updated', processor: 'p1', correlation_id: 'c1', partition: '2025-11-15' });
  });

  it('dead-letters to {topic}-dlq, lists without consuming, and acks on markReplayed', async () => {
    const msg = { data: { event_type: 'run_requested', partition: '2025-11-15', correlation_id: 'c2' }, attributes: { event_type: 'run_requested', partition: '2025-11-15', correlation_id: 'c2' } };
    await bus.deadLetter(TOPIC, msg, 'processor p2 failed for good: boom', 3);
    await bus.deadLetter(TOPIC, { ...msg, data: { ...msg.data, correlation_id: 'c3' } }, 'second', 5);
    await bus.deadLetter(OTHER, msg, 'other topic', 1);

    const first = await bus.listDeadLetters();
    assert.equal(first.length, 3);
    const mine = first.filter((d) => d.topic === TOPIC);
    assert.deepEqual(mine.map((d) => [d.reason, d.attempts, d.message.data.correlation_id]), [
      ['processor p2 failed for good: boom', 3, 'c2'],
      ['second', 5, 'c3'],
    ]);
    assert.deepEqual(mine[0]!.message.attributes, msg.attributes, 'dead-letter attributes are not part of the message');
    assert.ok(mine[0]!.id.startsWith(`${TOPIC}/`));
    assert.ok(mine[0]!.deadAt > 0);

    // Listing did not consume them, and a topic filter reads one subscription.
    assert.equal((await bus.listDeadLetters()).length, 3);
    assert.deepEqual((await bus.listDeadLetters({ topic: OTHER })).map((d) => d.reason), ['other topic']);

    await bus.markReplayed([mine[0]!.id]);
    const after = await bus.listDeadLetters({ topic: TOPIC });
    assert.deepEqual(after.map((d) => d.message.data.correlation_id), ['c3']);

    await bus.markReplayed(after.map((d) => d.id));
    assert.deepEqual(await bus.listDeadLetters({ topic: TOPIC }), []);
    assert.equal((await bus.listDeadLetters()).length, 1);
  });

  it("lists the messages Pub/Sub dead-lettered itself (a subscription's dead-letter policy)", async () => {
    const src = `${OTHER}-flaky`;
    await admin.topic(OTHER).createSubscription(src, {
      deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/${OTHER}-dlq`, maxDeliveryAttempts: 5 },
    });
    await bus.publish(OTHER, { data: { event_type: 'table_updated', correlation_id: 'c9' }, attributes: {} });
    const path = `projects/${PROJECT}/subscriptions/${src}`;
    // Nack every delivery; the emulator moves the message when the 6th delivery would start.
    for (let i = 0; i < 10; i++) {
      const [res] = await sub.pull({ subscription: path, maxMessages: 10, returnImmediately: true });
      const ackIds = (res.receivedMessages ?? []).map((m) => m.ackId!);
      if (ackIds.length === 0 && i >= 5) break;
      if (ackIds.length) await sub.modifyAckDeadline({ subscription: path, ackIds, ackDeadlineSeconds: 0 });
    }
    let dead: Awaited<ReturnType<PubSubBus['listDeadLetters']>> = [];
    for (let i = 0; i < 20 && !dead.some((d) => d.message.data.correlation_id === 'c9'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      dead = await bus.listDeadLetters({ topic: OTHER });
    }
    const d = dead.find((x) => x.message.data.correlation_id === 'c9');
    assert.ok(d, 'the policy moved the message to the dead-letter topic');
    assert.equal(d.topic, OTHER);
    assert.equal(d.attempts, 5);
    assert.match(d.reason, /not acknowledged after 5 deliveries/);
    assert.deepEqual(d.message.attributes, { event_type: 'table_updated', correlation_id: 'c9' });
  });

  it('names a missing dead-letter subscription', async () => {
    const lonely = new PubSubBus({ projectId: PROJECT, topics: ['no-such-topic'] });
    await assert.rejects(lonely.listDeadLetters(), /no-such-topic-dlq-sub does not exist/);
    await lonely.close();
  });
});
