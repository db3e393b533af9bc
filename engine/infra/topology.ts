// The one derivation of the Pub/Sub and Cloud Scheduler topology from the Plan. Terraform codegen,
// `pipeline infra apply` / `infra diff` and the GCP bus all read it, so a topic, its dead-letter queue
// and its push subscription cannot be declared in one place and forgotten in another.
//
// Rules:
//   topics      every phase topic, the engine's request topic (gate / stage / schedule / manual run
//               requests) and, when a processor fans out, its task topic
//   dead letter each topic T has T-dlq (messages kept 7 days) with the pull subscription T-dlq-sub
//   push        T-sub pushes to {service URL}/events/T with OIDC auth; its ack deadline, delivery
//               attempts and backoff cover the slowest, most patient consumer of T, within Pub/Sub's
//               limits
//   schedules   one Cloud Scheduler job per schedule: POST {service URL}/schedules/{name}, OIDC auth
//   reconcile   one more job, `{pipeline}-reconcile`: POST {service URL}/reconcile every few minutes,
//               OIDC auth — how production repairs a crash (an instance killed mid-run leaves a lease
//               nobody renews; Cloud Run instances run no timers of their own between requests)
import { DEFAULTS } from '../spec/defaults.js';
import { parseDuration } from '../spec/duration.js';
import { PUSH_ACK_DEADLINE_MAX_MS } from '../spec/limits.js';
import type { Plan, ProcessorPlan, TargetRef } from '../spec/plan.js';

/** Pub/Sub's accepted ranges; values derived from the spec are clamped into them. */
export const PUBSUB_LIMITS = {
  ackDeadlineSeconds: { min: 10, max: PUSH_ACK_DEADLINE_MAX_MS / 1000 },
  maxDeliveryAttempts: { min: 5, max: 100 },
  backoffSeconds: { min: 0, max: 600 },
} as const;

/** Cloud Scheduler's limits for HTTP targets. */
export const SCHEDULER_LIMITS = {
  attemptDeadlineSeconds: { min: 15, max: 1800 },
  retryCount: { min: 0, max: 5 },
  backoffSeconds: { min: 1, max: 3600 },
} as const;

export const DEAD_LETTER_RETENTION_SECONDS = 7 * 24 * 3600;

export type TopicRole = 'phase' | 'requests' | 'tasks';

/** How Pub/Sub delivers a topic's messages to the service. */
export interface DeliveryPolicy {
  readonly ackDeadlineSeconds: number;
  readonly maxDeliveryAttempts: number;
  readonly minimumBackoffSeconds: number;
  readonly maximumBackoffSeconds: number;
}

export interface PushSubscriptionPlan extends DeliveryPolicy {
  /** `{topic}-sub`. */
  readonly name: string;
  readonly topic: string;
  /** `/events/{topic}`: appended to the service URL. */
  readonly endpointPath: string;
  readonly deadLetterTopic: string;
}

export interface DeadLetterPlan {
  /** `{topic}-dlq`. */
  readonly topic: string;
  /** `{topic}-dlq-sub`, a pull subscription (`pipeline dlq` reads and replays it). */
  readonly subscription: string;
  readonly retentionSeconds: number;
}

export interface TopicPlan {
  readonly name: string;
  readonly role: TopicRole;
  /** The phase whose completions travel on it (role `phase`). */
  readonly phase?: string;
  /** Processors the engine may run for a message of this topic, in plan order. */
  readonly consumers: readonly string[];
  readonly deadLetter: DeadLetterPlan;
  readonly push: PushSubscriptionPlan;
}

export interface SchedulerJobPlan {
  /** Job id: `{pipeline}-{schedule}`. */
  readonly id: string;
  readonly schedule: string;
  readonly description?: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly target: TargetRef;
  readonly method: 'POST';
  /** `/schedules/{name}`: appended to the service URL. */
  readonly path: string;
  /** JSON body of the request. */
  readonly body: string;
  readonly attemptDeadlineSeconds: number;
  readonly retryCount: number;
  readonly minBackoffSeconds: number;
  readonly maxBackoffSeconds: number;
}

/** The job that calls the reconciler (not a schedule of the spec: every pipeline gets it). */
export interface ReconcileJobPlan {
  /** Job id: `{pipeline}-reconcile`. */
  readonly id: string;
  readonly description: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly method: 'POST';
  readonly path: '/reconcile';
  readonly body: string;
  readonly attemptDeadlineSeconds: number;
  readonly retryCount: number;
  readonly minBackoffSeconds: number;
  readonly maxBackoffSeconds: number;
}

/**
 * How often production reconciles: a crashed run is repaired within this plus the lease TTL (30 s).
 * Each pass is a few Firestore queries (leases, outbox, pending marks of recent partitions), so every
 * two minutes costs little; the next pass repeats what a missed one would have done.
 */
export const RECONCILE_CRON = '*/2 * * * *';

export interface ServiceAccountIds {
  /** The identity the Cloud Run service runs as (data access, publishing). */
  readonly service: string;
  /** The identity Pub/Sub pushes and Cloud Scheduler calls carry (OIDC): it may only invoke the service. */
  readonly invoker: string;
}

export interface Topology {
  readonly pipeline: string;
  readonly project?: string;
  readonly region: string;
  readonly service: string;
  readonly serviceAccounts: ServiceAccountIds;
  readonly topics: readonly TopicPlan[];
  readonly schedulerJobs: readonly SchedulerJobPlan[];
  readonly reconcileJob: ReconcileJobPlan;
}

export function requestTopic(plan: Plan): string {
  return `${plan.project.topicPrefix}${plan.name}-requests`;
}

export function tasksTopic(plan: Plan): string {
  return `${plan.project.topicPrefix}${plan.name}-tasks`;
}

export const deadLetterTopicName = (topic: string) => `${topic}-dlq`;
export const deadLetterSubscriptionName = (topic: string) => `${topic}-dlq-sub`;
export const pushSubscriptionName = (topic: string) => `${topic}-sub`;
export const eventsPath = (topic: string) => `/events/${topic}`;
export const schedulePath = (schedule: string) => `/schedules/${schedule}`;

/** `{serviceUrl}{path}` without a doubled slash. */
export function serviceEndpoint(serviceUrl: string, path: string): string {
  return `${serviceUrl.replace(/\/+$/, '')}${path}`;
}

export function serviceAccountEmail(accountId: string, project: string): string {
  return `${accountId}@${project}.iam.gserviceaccount.com`;
}

/** Every topic name of the topology: main topics and their dead-letter topics. */
export function topicNames(t: Topology): string[] {
  return t.topics.flatMap((x) => [x.name, x.deadLetter.topic]);
}

/** Every subscription name of the topology: push subscriptions and dead-letter pull subscriptions. */
export function subscriptionNames(t: Topology): string[] {
  return t.topics.flatMap((x) => [x.push.name, x.deadLetter.subscription]);
}

const clamp = (v: number, r: { readonly min: number; readonly max: number }) => Math.min(r.max, Math.max(r.min, v));
const seconds = (ms: number) => Math.ceil(ms / 1000);

const DEFAULT_TIMEOUT_MS = parseDuration(DEFAULTS.processor.timeout)!;
const DEFAULT_RETRY = {
  maxAttempts: DEFAULTS.retry.max_attempts,
  initialBackoffMs: parseDuration(DEFAULTS.retry.initial_backoff)!,
  maxBackoffMs: parseDuration(DEFAULTS.retry.max_backoff)!,
};

/**
 * The delivery policy that fits every consumer: the longest timeout, the most attempts, the shortest
 * initial and the longest maximum backoff. A topic nobody consumes gets the spec language's defaults.
 */
export function deliveryPolicy(consumers: readonly ProcessorPlan[], timeoutOf: (p: ProcessorPlan) => number = (p) => p.timeoutMs): DeliveryPolicy {
  const timeouts = consumers.length ? consumers.map(timeoutOf) : [DEFAULT_TIMEOUT_MS];
  const retries = consumers.length ? consumers.map((p) => p.retry) : [DEFAULT_RETRY];
  const minimumBackoffSeconds = clamp(seconds(Math.min(...retries.map((r) => r.initialBackoffMs))), PUBSUB_LIMITS.backoffSeconds);
  return {
    ackDeadlineSeconds: clamp(seconds(Math.max(...timeouts)), PUBSUB_LIMITS.ackDeadlineSeconds),
    maxDeliveryAttempts: clamp(Math.max(...retries.map((r) => r.maxAttempts)), PUBSUB_LIMITS.maxDeliveryAttempts),
    minimumBackoffSeconds,
    maximumBackoffSeconds: Math.max(minimumBackoffSeconds, clamp(seconds(Math.max(...retries.map((r) => r.maxBackoffMs))), PUBSUB_LIMITS.backoffSeconds)),
  };
}

/**
 * Processors a completion on this phase's topic can trigger: those triggered by any output of the
 * phase's processors. Updates of assets no processor writes travel on the first phase's topic.
 */
export function phaseConsumers(plan: Plan, phase: string): string[] {
  const isFirst = plan.phases[0]?.name === phase;
  const names = new Set<string>();
  for (const [asset, triggered] of plan.triggeredBy) {
    const writer = plan.writerOf.get(asset);
    const from = writer ? plan.processors.get(writer)!.phase : isFirst ? phase : undefined;
    if (from === phase) for (const n of triggered) names.add(n);
  }
  return plan.order.filter((n) => names.has(n));
}

function topicPlan(plan: Plan, name: string, role: TopicRole, consumers: string[], phase?: string, timeoutOf?: (p: ProcessorPlan) => number): TopicPlan {
  const deadLetter = { topic: deadLetterTopicName(name), subscription: deadLetterSubscriptionName(name), retentionSeconds: DEAD_LETTER_RETENTION_SECONDS };
  const policy = deliveryPolicy(consumers.map((n) => plan.processors.get(n)!), timeoutOf);
  return {
    name, role, ...(phase ? { phase } : {}), consumers, deadLetter,
    push: { name: pushSubscriptionName(name), topic: name, endpointPath: eventsPath(name), deadLetterTopic: deadLetter.topic, ...policy },
  };
}

/** Processors a run request for this target ends up running (a gate's and a stage's reach). */
function targetProcessors(plan: Plan, target: TargetRef, seen = new Set<string>()): ProcessorPlan[] {
  if (seen.has(`${target.kind}:${target.name}`)) return [];
  seen.add(`${target.kind}:${target.name}`);
  if (target.kind === 'processor') return [plan.processors.get(target.name)!];
  if (target.kind === 'stage') return (plan.stages.get(target.name)?.levels ?? []).flat().map((n) => plan.processors.get(n)!);
  return (plan.gates.get(target.name)?.fires ?? []).flatMap((t) => targetProcessors(plan, t, seen));
}

function schedulerJob(plan: Plan, name: string): SchedulerJobPlan {
  const s = plan.schedules.get(name)!;
  const procs = targetProcessors(plan, s.target);
  const retry = procs.length === 1 ? procs[0]!.retry : DEFAULT_RETRY;
  const timeout = Math.max(DEFAULT_TIMEOUT_MS, ...procs.map((p) => p.timeoutMs));
  const minBackoffSeconds = clamp(seconds(retry.initialBackoffMs), SCHEDULER_LIMITS.backoffSeconds);
  return {
    id: `${plan.name}-${name}`, schedule: name, ...(s.description ? { description: s.description } : {}), cron: s.cron, timeZone: s.timezone,
    target: s.target, method: 'POST', path: schedulePath(name), body: JSON.stringify({ schedule: name }),
    // The service may hold the request while `wait_for` waits for upstream, then runs the target.
    attemptDeadlineSeconds: clamp(seconds(timeout + (s.waitForMs ?? 0)), SCHEDULER_LIMITS.attemptDeadlineSeconds),
    retryCount: clamp(retry.maxAttempts - 1, SCHEDULER_LIMITS.retryCount),
    minBackoffSeconds,
    maxBackoffSeconds: Math.max(minBackoffSeconds, clamp(seconds(retry.maxBackoffMs), SCHEDULER_LIMITS.backoffSeconds)),
  };
}

function reconcileJob(plan: Plan): ReconcileJobPlan {
  return {
    id: `${plan.name}-reconcile`,
    description: 'Repairs after crashes: reclaims leases nobody renews, re-dispatches the outbox, fires due gates, releases held work.',
    cron: RECONCILE_CRON, timeZone: 'Etc/UTC', method: 'POST', path: '/reconcile', body: '{}',
    // One pass is short; a failed one is retried once, and the next tick comes two minutes later anyway.
    attemptDeadlineSeconds: 120, retryCount: 1, minBackoffSeconds: 10, maxBackoffSeconds: 60,
  };
}

/** A service account id (6–30 chars, `[a-z][a-z0-9-]*[a-z0-9]`) from a base name and a suffix. */
export function accountId(base: string, suffix = ''): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  const head = clean.slice(0, 30 - suffix.length).replace(/-+$/, '');
  const id = `${head || 'pipeline'}${suffix}`;
  return id.length >= 6 ? id : `${id}-run`.slice(0, 30);
}

export function topologyOf(plan: Plan): Topology {
  const topics: TopicPlan[] = plan.phases.map((ph) => topicPlan(plan, ph.topic, 'phase', phaseConsumers(plan, ph.name), ph.name));
  topics.push(topicPlan(plan, requestTopic(plan), 'requests', [...plan.order]));
  const fanOut = plan.order.filter((n) => plan.processors.get(n)!.fanOut);
  if (fanOut.length) topics.push(topicPlan(plan, tasksTopic(plan), 'tasks', fanOut, undefined, (p) => p.fanOut?.taskTimeoutMs ?? p.timeoutMs));
  const service = plan.project.service;
  return {
    pipeline: plan.name, ...(plan.project.id ? { project: plan.project.id } : {}), region: plan.project.region, service,
    serviceAccounts: { service: accountId(service), invoker: accountId(service, '-invoker') },
    topics,
    schedulerJobs: [...plan.schedules.keys()].sort().map((n) => schedulerJob(plan, n)),
    reconcileJob: reconcileJob(plan),
  };
}
