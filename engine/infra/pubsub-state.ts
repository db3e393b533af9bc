// Pub/Sub topics and subscriptions in one comparable shape, for what the topology wants
// (`desiredState`) and what a project has (`readLiveState`), plus the client for the emulator or
// the real service. `infra diff` compares the two; `infra apply` creates and updates from them.
import { PubSub } from '@google-cloud/pubsub';
import { serviceEndpoint, type Topology } from './topology.js';

export interface TopicState {
  readonly name: string;
  /** Message retention on the topic (the dead-letter topics keep 7 days). */
  readonly retentionSeconds?: number;
}

export interface SubscriptionState {
  readonly name: string;
  readonly topic: string;
  /** Empty for a pull subscription. */
  readonly pushEndpoint: string;
  readonly oidcServiceAccount?: string;
  readonly oidcAudience?: string;
  readonly ackDeadlineSeconds: number;
  readonly deadLetterTopic?: string;
  readonly maxDeliveryAttempts?: number;
  readonly minimumBackoffSeconds?: number;
  readonly maximumBackoffSeconds?: number;
  readonly retentionSeconds?: number;
}

export interface PubSubState {
  readonly topics: ReadonlyMap<string, TopicState>;
  readonly subscriptions: ReadonlyMap<string, SubscriptionState>;
}

/** Dead-letter subscriptions are pulled by `pipeline dlq`, which extends its ack deadline as needed. */
export const DEAD_LETTER_ACK_DEADLINE_SECONDS = 60;

export interface TargetOptions {
  /** The service's base URL; push endpoints are `{url}/events/{topic}`. */
  serviceUrl: string;
  /** OIDC identity of pushes (none on the emulator, which sends no tokens). */
  oidc?: { serviceAccountEmail: string; audience: string };
}

export function desiredState(t: Topology, opts: TargetOptions): PubSubState {
  const topics = new Map<string, TopicState>();
  const subscriptions = new Map<string, SubscriptionState>();
  for (const x of t.topics) {
    topics.set(x.name, { name: x.name });
    topics.set(x.deadLetter.topic, { name: x.deadLetter.topic, retentionSeconds: x.deadLetter.retentionSeconds });
    subscriptions.set(x.deadLetter.subscription, {
      name: x.deadLetter.subscription, topic: x.deadLetter.topic, pushEndpoint: '', ackDeadlineSeconds: DEAD_LETTER_ACK_DEADLINE_SECONDS,
      retentionSeconds: x.deadLetter.retentionSeconds,
    });
    const p = x.push;
    subscriptions.set(p.name, {
      name: p.name, topic: x.name, pushEndpoint: serviceEndpoint(opts.serviceUrl, p.endpointPath),
      ...(opts.oidc ? { oidcServiceAccount: opts.oidc.serviceAccountEmail, oidcAudience: opts.oidc.audience } : {}),
      ackDeadlineSeconds: p.ackDeadlineSeconds, deadLetterTopic: p.deadLetterTopic, maxDeliveryAttempts: p.maxDeliveryAttempts,
      minimumBackoffSeconds: p.minimumBackoffSeconds, maximumBackoffSeconds: p.maximumBackoffSeconds,
    });
  }
  return { topics, subscriptions };
}

export interface ClientOptions {
  project: string;
  /** host:port of the Pub/Sub emulator; absent = the real service (credentials required). */
  emulatorHost?: string;
}

/** The same client for both: only the endpoint differs (an explicit one, so the environment cannot switch it). */
export function pubsubClient(opts: ClientOptions): PubSub {
  return new PubSub({ projectId: opts.project, apiEndpoint: opts.emulatorHost ?? 'pubsub.googleapis.com' });
}

const shortName = (full: string | null | undefined) => (full ? full.slice(full.lastIndexOf('/') + 1) : '');

interface Duration {
  seconds?: number | string | { toString(): string } | null;
}
const secondsOf = (d: Duration | null | undefined) => (d?.seconds === undefined || d.seconds === null ? undefined : Number(String(d.seconds)));

export async function readLiveState(client: PubSub): Promise<PubSubState> {
  const [topicList] = await client.getTopics({ autoPaginate: true });
  const [subList] = await client.getSubscriptions({ autoPaginate: true });
  const topics = new Map<string, TopicState>();
  for (const t of topicList) {
    const m = t.metadata ?? {};
    const retention = secondsOf(m.messageRetentionDuration as Duration | null);
    topics.set(shortName(t.name), { name: shortName(t.name), ...(retention !== undefined ? { retentionSeconds: retention } : {}) });
  }
  const subscriptions = new Map<string, SubscriptionState>();
  for (const s of subList) {
    const m = s.metadata ?? {};
    const push = m.pushConfig ?? {};
    const dlp = m.deadLetterPolicy;
    const rp = m.retryPolicy;
    const name = shortName(s.name);
    subscriptions.set(name, {
      name, topic: shortName(typeof m.topic === 'string' ? m.topic : ''), pushEndpoint: push.pushEndpoint ?? '',
      ...(push.oidcToken?.serviceAccountEmail ? { oidcServiceAccount: push.oidcToken.serviceAccountEmail, oidcAudience: push.oidcToken.audience ?? '' } : {}),
      ackDeadlineSeconds: m.ackDeadlineSeconds ?? 10,
      ...(dlp?.deadLetterTopic ? { deadLetterTopic: shortName(dlp.deadLetterTopic), maxDeliveryAttempts: dlp.maxDeliveryAttempts ?? 5 } : {}),
      ...(rp ? { minimumBackoffSeconds: secondsOf(rp.minimumBackoff as Duration) ?? 10, maximumBackoffSeconds: secondsOf(rp.maximumBackoff as Duration) ?? 600 } : {}),
      ...(secondsOf(m.messageRetentionDuration as Duration | null) !== undefined ? { retentionSeconds: secondsOf(m.messageRetentionDuration as Duration | null) } : {}),
    });
  }
  return { topics, subscriptions };
}
