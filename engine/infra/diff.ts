// `pipeline infra diff`: what the project's Pub/Sub lacks, has in excess, or has configured
// differently from the topology derived from the spec — the check that catches a push subscription
// missing for months or a topic nobody subscribes to. Pure: compares two PubSubStates.
import type { PubSubState, SubscriptionState, TopicState } from './pubsub-state.js';
import type { Topology } from './topology.js';

export type DriftKind = 'missing' | 'extra' | 'misconfigured';

export interface FieldDrift {
  readonly field: string;
  readonly want: unknown;
  readonly have: unknown;
}

export interface InfraDrift {
  readonly kind: DriftKind;
  readonly resource: 'topic' | 'subscription';
  readonly name: string;
  readonly fields?: readonly FieldDrift[];
}

/**
 * Whether a live name belongs to this pipeline: one of its topic names (or one followed by `-...`:
 * its DLQs and subscriptions), the pipeline's `{name}-` names, or the topic prefix when there is one.
 * Other topics of the project are not this pipeline's business.
 */
export function ownedBy(t: Topology, topicPrefix = ''): (name: string) => boolean {
  const roots = t.topics.map((x) => x.name);
  return (name) =>
    roots.some((r) => name === r || name.startsWith(`${r}-`)) || name.startsWith(`${t.pipeline}-`) || (topicPrefix !== '' && name.startsWith(topicPrefix));
}

const TOPIC_FIELDS = ['retentionSeconds'] as const satisfies readonly (keyof TopicState)[];
const SUBSCRIPTION_FIELDS = [
  'topic', 'pushEndpoint', 'oidcServiceAccount', 'oidcAudience', 'ackDeadlineSeconds', 'deadLetterTopic', 'maxDeliveryAttempts',
  'minimumBackoffSeconds', 'maximumBackoffSeconds', 'retentionSeconds',
] as const satisfies readonly (keyof SubscriptionState)[];

/** Fields the desired state sets whose live value differs (unset desired fields are not checked). */
function fieldDrift<T extends object>(want: T, have: T, fields: readonly (keyof T & string)[]): FieldDrift[] {
  const out: FieldDrift[] = [];
  for (const f of fields) {
    const w = want[f];
    if (w === undefined) continue;
    if (w !== have[f]) out.push({ field: f, want: w, have: have[f] ?? null });
  }
  return out;
}

export function diffPubSub(desired: PubSubState, live: PubSubState, owned: (name: string) => boolean): InfraDrift[] {
  const out: InfraDrift[] = [];
  for (const [name, want] of desired.topics) {
    const have = live.topics.get(name);
    if (!have) out.push({ kind: 'missing', resource: 'topic', name });
    else {
      const fields = fieldDrift(want, have, TOPIC_FIELDS);
      if (fields.length) out.push({ kind: 'misconfigured', resource: 'topic', name, fields });
    }
  }
  for (const [name, want] of desired.subscriptions) {
    const have = live.subscriptions.get(name);
    if (!have) out.push({ kind: 'missing', resource: 'subscription', name });
    else {
      const fields = fieldDrift(want, have, SUBSCRIPTION_FIELDS);
      if (fields.length) out.push({ kind: 'misconfigured', resource: 'subscription', name, fields });
    }
  }
  for (const name of live.topics.keys()) if (!desired.topics.has(name) && owned(name)) out.push({ kind: 'extra', resource: 'topic', name });
  for (const [name, s] of live.subscriptions) {
    if (!desired.subscriptions.has(name) && owned(name) && (owned(s.topic) || s.topic === '')) out.push({ kind: 'extra', resource: 'subscription', name });
  }
  const rank: Record<DriftKind, number> = { missing: 0, misconfigured: 1, extra: 2 };
  return out.sort((a, b) => rank[a.kind] - rank[b.kind] || a.resource.localeCompare(b.resource) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line per drift. */
export function formatDrift(d: InfraDrift, desired?: PubSubState): string {
  if (d.kind === 'misconfigured') return `misconfigured ${d.resource} ${d.name}: ${d.fields!.map((f) => `${f.field} is ${show(f.have)}, want ${show(f.want)}`).join('; ')}`;
  if (d.kind === 'extra') return `extra ${d.resource} ${d.name} (not derived from the spec)`;
  const s = d.resource === 'subscription' ? desired?.subscriptions.get(d.name) : undefined;
  const what = s ? (s.pushEndpoint ? ` (push to ${s.pushEndpoint})` : ` (pull, on ${s.topic})`) : '';
  return `missing ${d.resource} ${d.name}${what}`;
}
