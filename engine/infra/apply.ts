// `pipeline infra apply --emulator`: makes a project's Pub/Sub match the topology (on the emulator,
// for local runs and integration tests; production goes through Terraform). Idempotent: it creates
// what is missing and updates what is misconfigured, so a second apply changes nothing. It never
// deletes: extra topics and subscriptions are reported by `infra diff`.
import type { PubSub } from '@google-cloud/pubsub';
import { diffPubSub, type FieldDrift, type InfraDrift } from './diff.js';
import { readLiveState, type PubSubState, type SubscriptionState } from './pubsub-state.js';

export interface ApplyChange {
  readonly action: 'create' | 'update';
  readonly resource: 'topic' | 'subscription';
  readonly name: string;
  readonly detail: string;
}

export interface ApplyResult {
  readonly changes: readonly ApplyChange[];
  /** Drift apply cannot repair (a subscription on the wrong topic must be deleted first). */
  readonly unfixable: readonly string[];
  readonly extras: readonly InfraDrift[];
}

const PUSH_FIELDS = new Set(['pushEndpoint', 'oidcServiceAccount', 'oidcAudience']);

function pushConfig(s: SubscriptionState) {
  return {
    pushEndpoint: s.pushEndpoint,
    ...(s.oidcServiceAccount ? { oidcToken: { serviceAccountEmail: s.oidcServiceAccount, audience: s.oidcAudience ?? '' } } : {}),
  };
}

/** The settable fields of a subscription, in the client's shape. */
function settings(client: PubSub, s: SubscriptionState, only?: ReadonlySet<string>) {
  const want = (f: string) => !only || only.has(f);
  return {
    ...(want('ackDeadlineSeconds') ? { ackDeadlineSeconds: s.ackDeadlineSeconds } : {}),
    ...(s.deadLetterTopic && (want('deadLetterTopic') || want('maxDeliveryAttempts'))
      ? { deadLetterPolicy: { deadLetterTopic: client.topic(s.deadLetterTopic).name, maxDeliveryAttempts: s.maxDeliveryAttempts } }
      : {}),
    ...(s.minimumBackoffSeconds !== undefined && (want('minimumBackoffSeconds') || want('maximumBackoffSeconds'))
      ? { retryPolicy: { minimumBackoff: { seconds: s.minimumBackoffSeconds }, maximumBackoff: { seconds: s.maximumBackoffSeconds } } }
      : {}),
    ...(s.retentionSeconds !== undefined && want('retentionSeconds') ? { messageRetentionDuration: { seconds: s.retentionSeconds } } : {}),
  };
}

const describeFields = (fields: readonly FieldDrift[]) => fields.map((f) => `${f.field} → ${JSON.stringify(f.want)}`).join(', ');

export async function applyPubSub(client: PubSub, desired: PubSubState, owned: (name: string) => boolean): Promise<ApplyResult> {
  const live = await readLiveState(client);
  const drift = diffPubSub(desired, live, owned);
  const changes: ApplyChange[] = [];
  const unfixable: string[] = [];
  // Topics first: subscriptions and dead-letter policies refer to them.
  for (const d of drift.filter((x) => x.resource === 'topic' && x.kind !== 'extra')) {
    const t = desired.topics.get(d.name)!;
    const retention = t.retentionSeconds !== undefined ? { messageRetentionDuration: { seconds: t.retentionSeconds } } : {};
    if (d.kind === 'missing') {
      await client.createTopic({ name: d.name, ...retention });
      changes.push({ action: 'create', resource: 'topic', name: d.name, detail: t.retentionSeconds ? `retention ${t.retentionSeconds}s` : '' });
    } else {
      await client.topic(d.name).setMetadata(retention);
      changes.push({ action: 'update', resource: 'topic', name: d.name, detail: describeFields(d.fields!) });
    }
  }
  for (const d of drift.filter((x) => x.resource === 'subscription' && x.kind !== 'extra')) {
    const s = desired.subscriptions.get(d.name)!;
    if (d.kind === 'missing') {
      await client.topic(s.topic).createSubscription(d.name, {
        ...settings(client, s), ...(s.pushEndpoint ? { pushConfig: pushConfig(s) } : {}),
        // Quiet subscriptions (a DLQ for weeks) must never expire.
        expirationPolicy: {},
      });
      changes.push({ action: 'create', resource: 'subscription', name: d.name, detail: s.pushEndpoint ? `push to ${s.pushEndpoint}` : `pull on ${s.topic}` });
      continue;
    }
    const fields = d.fields!;
    if (fields.some((f) => f.field === 'topic')) {
      unfixable.push(`subscription ${d.name} is on topic ${String(fields.find((f) => f.field === 'topic')!.have)}, want ${s.topic}: delete it and apply again`);
      continue;
    }
    const sub = client.subscription(d.name);
    if (fields.some((f) => PUSH_FIELDS.has(f.field))) await sub.modifyPushConfig(pushConfig(s));
    const rest = new Set(fields.map((f) => f.field).filter((f) => !PUSH_FIELDS.has(f)));
    if (rest.size) await sub.setMetadata(settings(client, s, rest));
    changes.push({ action: 'update', resource: 'subscription', name: d.name, detail: describeFields(fields) });
  }
  return { changes, unfixable, extras: drift.filter((x) => x.kind === 'extra') };
}
