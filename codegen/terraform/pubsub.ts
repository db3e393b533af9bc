// pubsub.tf.json, from the topology: per topic T the topic, T-dlq (kept 7 days) with its pull
// subscription T-dlq-sub, the push subscription T-sub (OIDC, dead-letter and retry policies), and
// the IAM that makes them work with nothing more: the service publishes on its own topics and
// reads its DLQ subscriptions; the Pub/Sub service agent publishes dead letters and acks them on the
// source subscription.
import { labelValue } from '../../engine/infra/bigquery-schema.js';
import { topologyOf, type TopicPlan } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, ref, secondsText, TfDoc, tfName, value } from './syntax.js';

/** Terraform names of a topic's resources. */
export function topicNames(t: TopicPlan) {
  const n = tfName(t.name);
  return { topic: n, deadLetterTopic: `${n}_dlq`, push: n, deadLetterSub: `${n}_dlq` };
}

const RETENTION = (s: number) => secondsText(s);

export function pubsubDoc(plan: Plan): TfDoc {
  const doc = new TfDoc();
  const labels = (role: string) => ({ pipeline: labelValue(plan.name), role });
  for (const t of topologyOf(plan).topics) {
    const n = topicNames(t);
    const topic = `google_pubsub_topic.${n.topic}`;
    const dlq = `google_pubsub_topic.${n.deadLetterTopic}`;
    const push = `google_pubsub_subscription.${n.push}`;
    const dlqSub = `google_pubsub_subscription.${n.deadLetterSub}`;
    doc.resource('google_pubsub_topic', n.topic, { name: t.name, labels: labels(t.role) });
    doc.resource('google_pubsub_topic', n.deadLetterTopic, {
      name: t.deadLetter.topic, message_retention_duration: RETENTION(t.deadLetter.retentionSeconds), labels: labels('dead-letter'),
    });
    doc.resource('google_pubsub_subscription', n.deadLetterSub, {
      name: t.deadLetter.subscription, topic: ref(dlq, 'id'), ack_deadline_seconds: 60,
      message_retention_duration: RETENTION(t.deadLetter.retentionSeconds), retain_acked_messages: false,
      // A DLQ subscription is idle for weeks; it must never expire.
      expiration_policy: { ttl: '' }, labels: labels('dead-letter'),
    });
    doc.resource('google_pubsub_subscription', n.push, {
      name: t.push.name, topic: ref(topic, 'id'), ack_deadline_seconds: t.push.ackDeadlineSeconds,
      expiration_policy: { ttl: '' },
      push_config: {
        push_endpoint: `${value(ADDR.serviceUrl)}${t.push.endpointPath}`,
        oidc_token: { service_account_email: ref(ADDR.invokerAccount, 'email'), audience: value(ADDR.serviceUrl) },
      },
      dead_letter_policy: { dead_letter_topic: ref(dlq, 'id'), max_delivery_attempts: t.push.maxDeliveryAttempts },
      retry_policy: { minimum_backoff: secondsText(t.push.minimumBackoffSeconds), maximum_backoff: secondsText(t.push.maximumBackoffSeconds) },
      labels: labels(t.role),
      // Dead letters can only be forwarded once the agent may publish on the DLQ.
      depends_on: [ADDR.service, `google_pubsub_topic_iam_member.${n.deadLetterTopic}_agent_publisher`],
    });
    // The service publishes completions and requests on the topic, and dead letters it decides on.
    for (const [resName, address] of [[n.topic, topic], [n.deadLetterTopic, dlq]] as const) {
      doc.resource('google_pubsub_topic_iam_member', `${resName}_service_publisher`, {
        topic: ref(address, 'name'), role: 'roles/pubsub.publisher', member: value(ADDR.serviceMember),
      });
    }
    doc.resource('google_pubsub_subscription_iam_member', `${n.deadLetterSub}_service_subscriber`, {
      subscription: ref(dlqSub, 'name'), role: 'roles/pubsub.subscriber', member: value(ADDR.serviceMember),
    });
    // Dead-lettering needs the Pub/Sub service agent to publish on the DLQ and ack on the source.
    doc.resource('google_pubsub_topic_iam_member', `${n.deadLetterTopic}_agent_publisher`, {
      topic: ref(dlq, 'name'), role: 'roles/pubsub.publisher', member: value(ADDR.pubsubAgent),
    });
    doc.resource('google_pubsub_subscription_iam_member', `${n.push}_agent_subscriber`, {
      subscription: ref(push, 'name'), role: 'roles/pubsub.subscriber', member: value(ADDR.pubsubAgent),
    });
  }
  return doc;
}
