// Pub/Sub for integration tests: the plan's topology applied to the emulator with push subscriptions
// to a test URL (engine/infra/apply.ts, as `pipeline infra apply --emulator` does), observation
// subscriptions that record what was published on a topic, and pulling a (dead-letter) subscription.
import { v1, type Message, type PubSub, type Subscription } from '@google-cloud/pubsub';
import { applyPubSub, type ApplyResult } from '../../engine/infra/apply.js';
import { ownedBy } from '../../engine/infra/diff.js';
import { desiredState, pubsubClient } from '../../engine/infra/pubsub-state.js';
import { topologyOf } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';

export interface AppliedTopology {
  result: ApplyResult;
  client: PubSub;
  /** Delete the push subscriptions (so the emulator stops pushing to a closed proxy) and close. */
  close(): Promise<void>;
}

/**
 * `pipeline infra apply --emulator` for `plan` in `project`: topics, DLQ topics with pull
 * subscriptions, and push subscriptions to `{endpointBase}/events/{topic}` with the plan's
 * dead-letter and retry policies (engine/infra/apply.ts).
 */
export async function applyTopology(plan: Plan, endpointBase: string, project: string): Promise<AppliedTopology> {
  const t = topologyOf(plan);
  const client = pubsubClient({ project, emulatorHost: process.env.PUBSUB_EMULATOR_HOST });
  const result = await applyPubSub(client, desiredState(t, { serviceUrl: endpointBase }), ownedBy(t, plan.project.topicPrefix));
  return {
    result, client,
    async close() {
      await Promise.allSettled(t.topics.map((x) => client.subscription(x.push.name).delete()));
      await client.close();
    },
  };
}

export interface Observed {
  id: string;
  data: Record<string, unknown>;
  attributes: Record<string, string>;
}

export interface Observer {
  messages(topic: string): Observed[];
  /** Wait until `topic` holds at least `n` messages (bounded). */
  waitFor(topic: string, n: number, boundMs?: number): Promise<Observed[]>;
  close(): Promise<void>;
}

/** A pull subscription `{topic}-observe` per topic, read as a stream: what was published on it. */
export async function observe(client: PubSub, topics: string[]): Promise<Observer> {
  const seen = new Map<string, Observed[]>(topics.map((t) => [t, []]));
  const subs: Subscription[] = [];
  for (const topic of topics) {
    const [sub] = await client.topic(topic).createSubscription(`${topic}-observe`, { ackDeadlineSeconds: 30 });
    sub.on('message', (m: Message) => {
      seen.get(topic)!.push({ id: m.id, data: JSON.parse(m.data.toString('utf8')) as Record<string, unknown>, attributes: { ...m.attributes } });
      m.ack();
    });
    sub.on('error', () => undefined);
    subs.push(sub);
  }
  const messages = (topic: string) => seen.get(topic) ?? [];
  return {
    messages,
    async waitFor(topic, n, boundMs = 15_000) {
      await waitFor(() => messages(topic).length >= n, `${n} message(s) on ${topic} (have ${messages(topic).length})`, boundMs);
      return messages(topic);
    },
    async close() {
      await Promise.allSettled(subs.map(async (s) => {
        await s.close();
        await s.delete();
      }));
    },
  };
}

/** Pull `subscription` until `n` messages came (bounded) and acknowledge them. */
export async function pullMessages(client: PubSub, subscription: string, n: number, boundMs = 30_000): Promise<Observed[]> {
  const sub = new v1.SubscriberClient((await client.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  const name = `projects/${client.projectId}/subscriptions/${subscription}`;
  const got: Observed[] = [];
  const until = Date.now() + boundMs;
  try {
    while (got.length < n) {
      if (Date.now() > until) throw new Error(`only ${got.length} of ${n} message(s) on ${subscription} after ${boundMs} ms`);
      const [res] = await sub.pull({ subscription: name, maxMessages: 100, returnImmediately: true });
      const received = res.receivedMessages ?? [];
      if (!received.length) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      await sub.acknowledge({ subscription: name, ackIds: received.map((m) => m.ackId!) });
      for (const m of received) {
        got.push({ id: m.message!.messageId!, data: JSON.parse(Buffer.from(m.message!.data!).toString('utf8')) as Record<string, unknown>, attributes: { ...(m.message!.attributes ?? {}) } });
      }
    }
    return got;
  } finally {
    await sub.close();
  }
}

async function waitFor(cond: () => boolean, what: string, boundMs: number): Promise<void> {
  const until = Date.now() + boundMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
