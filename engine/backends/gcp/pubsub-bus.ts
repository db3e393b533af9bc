// The production Bus on Cloud Pub/Sub (PUBSUB_EMULATOR_HOST is honoured by the client).
//
// Publishing. One cached publisher per topic, batching for latency (flush after 5 ms or 100
// messages) and without ordering keys: the engine assumes nothing about order (§1.7). The body is
// the message's JSON; the attributes are the message's own, with `event_type`, `correlation_id` and
// `partition` filled in from the body when the attributes lack them (subscription filters and
// dashboards read them). Deliveries come in through push subscriptions to the service, not here.
//
// Dead letters. Each plan topic T has the topic `T-dlq` and its pull subscription `T-dlq-sub`
// (names from engine/infra/topology.ts, which also creates them). Two writers put messages there:
// Pub/Sub itself, after a push subscription's maxDeliveryAttempts (attributes
// `CloudPubSubDeadLetterSource*`), and the runtime, which dead-letters terminal failures through
// `deadLetter` (attributes `reason`, `attempts`, `source_topic`, `dead_at`). Both are listed.
//
// Listing without consuming. Pub/Sub has no "peek", and an ack id dies once its message is released,
// so no index is kept: `listDeadLetters` pulls T-dlq-sub until it is empty, holding every message it
// got (so further pulls make progress), then releases them all (modifyAckDeadline 0) — they stay
// on the subscription for the next listing and for other operators. A dead letter's id is
// `T/messageId` (topic names contain no `/`). `markReplayed(ids)` pulls the same way, acknowledges
// the wanted messages (which removes them: Pub/Sub keeps no "replayed" mark, so `includeReplayed`
// lists nothing more) and releases the rest, stopping as soon as every id was found.
import { PubSub, v1, type Topic } from '@google-cloud/pubsub';
import { deadLetterSubscriptionName as deadLetterSubscription, deadLetterTopicName as deadLetterTopic } from '../../infra/topology.js';
import type { Bus, DeadLetter, WireMessage } from '../../ports.js';

export interface PubSubBusOptions {
  projectId: string;
  /** The plan's topics (their `-dlq-sub` subscriptions are what `listDeadLetters` reads). */
  topics: string[];
  /** A PubSub client to use; closed only when the bus made it. */
  pubsub?: PubSub;
}

type PulledMessage = { ackId: string; messageId: string; data: Buffer; attributes: Record<string, string>; publishTime: number };

const DEAD_LETTER_ATTRIBUTES = ['reason', 'attempts', 'source_topic', 'dead_at'];
const PUBSUB_DEAD_LETTER_PREFIX = 'CloudPubSubDeadLetterSource';
/** Messages per pull; the emulator and the service both cap a pull at 1000. */
const PULL_BATCH = 500;
/** Attribute values are limited to 1024 bytes. */
const MAX_ATTRIBUTE_BYTES = 1024;

function truncate(value: string): string {
  if (Buffer.byteLength(value, 'utf8') <= MAX_ATTRIBUTE_BYTES) return value;
  return `${Buffer.from(value, 'utf8').subarray(0, MAX_ATTRIBUTE_BYTES - 3).toString('utf8').replace(/\uFFFD$/, '')}...`;
}

function millis(t: { seconds?: unknown; nanos?: unknown } | null | undefined): number {
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
}

export class PubSubBus implements Bus {
  readonly pubsub: PubSub;
  private readonly ownsClient: boolean;
  private readonly topics: string[];
  private readonly publishers = new Map<string, Topic>();
  private subscriber?: Promise<v1.SubscriberClient>;
  private readonly counts = { published: 0, deadLettered: 0, pulls: 0, acks: 0, releases: 0 };

  constructor(private readonly opts: PubSubBusOptions) {
    this.ownsClient = !opts.pubsub;
    this.pubsub = opts.pubsub ?? new PubSub({ projectId: opts.projectId });
    this.topics = [...new Set(opts.topics)];
  }

  /** Operation counters since the bus was made (a copy). */
  ops(): { published: number; deadLettered: number; pulls: number; acks: number; releases: number } {
    return { ...this.counts };
  }

  private publisher(topic: string): Topic {
    let t = this.publishers.get(topic);
    if (!t) {
      t = this.pubsub.topic(topic, { batching: { maxMessages: 100, maxMilliseconds: 5 } });
      this.publishers.set(topic, t);
    }
    return t;
  }

  private async send(topic: string, data: Record<string, unknown>, attributes: Record<string, string>): Promise<string> {
    return this.publisher(topic).publishMessage({ data: Buffer.from(JSON.stringify(data), 'utf8'), attributes });
  }

  async publish(topic: string, message: WireMessage): Promise<string> {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.attributes ?? {})) if (v !== undefined && v !== null) attributes[k] = String(v);
    for (const k of ['event_type', 'correlation_id', 'partition']) {
      const v = message.data[k];
      if (attributes[k] === undefined && (typeof v === 'string' || typeof v === 'number') && v !== '') attributes[k] = String(v);
    }
    const id = await this.send(topic, message.data, attributes);
    this.counts.published++;
    return id;
  }

  async deadLetter(topic: string, message: WireMessage, reason: string, attempts: number): Promise<void> {
    await this.send(deadLetterTopic(topic), message.data, {
      ...message.attributes,
      reason: truncate(reason || 'unknown'),
      attempts: String(attempts),
      source_topic: topic,
      dead_at: String(Date.now()),
    });
    this.counts.deadLettered++;
  }

  private client(): Promise<v1.SubscriberClient> {
    this.subscriber ??= this.pubsub.getClientConfig().then((config) => new v1.SubscriberClient(config as ConstructorParameters<typeof v1.SubscriberClient>[0]));
    return this.subscriber;
  }

  private subscriptionPath(topic: string): string {
    return `projects/${this.opts.projectId}/subscriptions/${deadLetterSubscription(topic)}`;
  }

  /**
   * Pull a topic's dead-letter subscription until it is empty (or `done()`), holding what it got;
   * then acknowledge the messages `choose` picked (asked once per message, as it arrives) and
   * release the others.
   */
  private async sweep(topic: string, choose: (m: PulledMessage) => boolean, done: () => boolean = () => false): Promise<PulledMessage[]> {
    const client = await this.client();
    const subscription = this.subscriptionPath(topic);
    const held: PulledMessage[] = [];
    const seen = new Set<string>();
    const chosen = new Set<string>();
    // returnImmediately may answer empty while messages wait (the service says so): stop after two
    // empty answers in a row, not one.
    let empty = 0;
    try {
      while (!done() && empty < 2) {
        let response;
        try {
          [response] = await client.pull({ subscription, maxMessages: PULL_BATCH, returnImmediately: true }, { timeout: 30_000 });
        } catch (err) {
          if ((err as { code?: number }).code === 5) {
            throw new Error(`dead-letter subscription ${deadLetterSubscription(topic)} does not exist (create the topology: pipeline infra apply)`);
          }
          throw err;
        }
        this.counts.pulls++;
        const got = response.receivedMessages ?? [];
        let fresh = 0;
        for (const rm of got) {
          const m = rm.message!;
          const pulled: PulledMessage = {
            ackId: rm.ackId!,
            messageId: m.messageId!,
            data: Buffer.from(m.data ?? ''),
            attributes: { ...(m.attributes ?? {}) },
            publishTime: millis(m.publishTime as { seconds?: unknown; nanos?: unknown }),
          };
          held.push(pulled);
          if (seen.has(pulled.messageId)) continue;
          seen.add(pulled.messageId);
          fresh++;
          if (choose(pulled)) chosen.add(pulled.ackId);
        }
        empty = fresh === 0 ? empty + 1 : 0;
      }
    } finally {
      const ack = [...chosen];
      const release = held.filter((m) => !chosen.has(m.ackId)).map((m) => m.ackId);
      for (let i = 0; i < ack.length; i += 1000) {
        await client.acknowledge({ subscription, ackIds: ack.slice(i, i + 1000) });
        this.counts.acks += Math.min(1000, ack.length - i);
      }
      for (let i = 0; i < release.length; i += 1000) {
        await client.modifyAckDeadline({ subscription, ackIds: release.slice(i, i + 1000), ackDeadlineSeconds: 0 });
        this.counts.releases += Math.min(1000, release.length - i);
      }
    }
    return held;
  }

  async listDeadLetters(opts: { topic?: string; includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
    const topics = opts.topic !== undefined ? [opts.topic] : this.topics;
    const out = new Map<string, DeadLetter>();
    for (const topic of topics) {
      for (const m of await this.sweep(topic, () => false)) {
        const d = toDeadLetter(topic, m);
        out.set(d.id, d);
      }
    }
    return [...out.values()].sort((a, b) => a.deadAt - b.deadAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async markReplayed(ids: string[]): Promise<void> {
    const byTopic = new Map<string, Set<string>>();
    for (const id of ids) {
      const slash = id.lastIndexOf('/');
      if (slash <= 0) throw new Error(`dead letter id "${id}" is not TOPIC/MESSAGE_ID`);
      const topic = id.slice(0, slash);
      if (!byTopic.has(topic)) byTopic.set(topic, new Set());
      byTopic.get(topic)!.add(id.slice(slash + 1));
    }
    for (const [topic, wanted] of byTopic) {
      const found = new Set<string>();
      await this.sweep(
        topic,
        (m) => {
          if (!wanted.has(m.messageId)) return false;
          found.add(m.messageId);
          return true;
        },
        () => found.size === wanted.size,
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.publishers.values()].map((t) => t.flush()));
    if (this.subscriber) await (await this.subscriber).close();
    if (this.ownsClient) await this.pubsub.close();
  }
}

function toDeadLetter(topic: string, m: PulledMessage): DeadLetter {
  const a = m.attributes;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    if (!DEAD_LETTER_ATTRIBUTES.includes(k) && !k.startsWith(PUBSUB_DEAD_LETTER_PREFIX)) attributes[k] = v;
  }
  const text = m.data.toString('utf8');
  let data: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as unknown;
    data = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    data = { unparsed: text };
  }
  const pubsubCount = a[`${PUBSUB_DEAD_LETTER_PREFIX}DeliveryCount`];
  const reason =
    a.reason ??
    (pubsubCount !== undefined
      ? `not acknowledged after ${pubsubCount} deliveries on ${a[`${PUBSUB_DEAD_LETTER_PREFIX}Subscription`] ?? 'its subscription'}`
      : 'unknown');
  return {
    id: `${topic}/${m.messageId}`,
    topic: a.source_topic ?? topic,
    message: { data, attributes },
    reason,
    attempts: Number(a.attempts ?? pubsubCount ?? 0),
    deadAt: a.dead_at !== undefined ? Number(a.dead_at) : m.publishTime,
  };
}
