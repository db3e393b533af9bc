// The generated Terraform module: Pub/Sub topology with DLQs and OIDC pushes, partitioned and
// clustered tables, least-privilege IAM, scheduler jobs, and references that all resolve.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bigQueryTable, EXECUTION_LOG, logColumn } from '../../engine/infra/bigquery-schema.js';
import { topologyOf } from '../../engine/infra/topology.js';
import type { LogEntry } from '../../engine/ports.js';
import { tableOf } from '../../engine/spec/plan.js';
import { terraformFiles, terraformModule } from '../../codegen/terraform/index.js';
import { nbaPlan, resources, strings, tempDir, type Json } from './helpers.js';

const plan = nbaPlan();
const docs = terraformModule(plan);
const res = resources(docs);
const topology = topologyOf(plan);
const SERVICE_URL = '${local.service_url}';
const INVOKER = '${google_service_account.invoker.email}';

const byName = (type: string, name: string) => Object.entries(res[type] ?? {}).find(([, b]) => b.name === name);

describe('terraform: Pub/Sub', () => {
  it('defines every topic, and a DLQ topic kept 7 days with a pull subscription', () => {
    for (const t of topology.topics) {
      assert.ok(byName('google_pubsub_topic', t.name), `topic ${t.name}`);
      const [dlqId, dlq] = byName('google_pubsub_topic', `${t.name}-dlq`) ?? [];
      assert.ok(dlq, `DLQ topic ${t.name}-dlq`);
      assert.equal(dlq.message_retention_duration, '604800s');
      const [, sub] = byName('google_pubsub_subscription', `${t.name}-dlq-sub`) ?? [];
      assert.ok(sub, `DLQ subscription ${t.name}-dlq-sub`);
      assert.equal(sub.topic, `\${google_pubsub_topic.${dlqId}.id}`);
      assert.equal(sub.push_config, undefined, 'a DLQ subscription is pulled');
      assert.deepEqual(sub.expiration_policy, { ttl: '' });
    }
  });

  it('pushes every topic to /events/{topic} with OIDC, its ack deadline, dead-letter and retry policies', () => {
    for (const t of topology.topics) {
      const [, sub] = byName('google_pubsub_subscription', `${t.name}-sub`) ?? [];
      assert.ok(sub, `push subscription ${t.name}-sub`);
      const [topicId] = byName('google_pubsub_topic', t.name)!;
      const [dlqId] = byName('google_pubsub_topic', `${t.name}-dlq`)!;
      assert.equal(sub.topic, `\${google_pubsub_topic.${topicId}.id}`);
      assert.deepEqual(sub.push_config, { push_endpoint: `${SERVICE_URL}/events/${t.name}`, oidc_token: { service_account_email: INVOKER, audience: SERVICE_URL } });
      assert.equal(sub.ack_deadline_seconds, t.push.ackDeadlineSeconds);
      assert.deepEqual(sub.dead_letter_policy, { dead_letter_topic: `\${google_pubsub_topic.${dlqId}.id}`, max_delivery_attempts: t.push.maxDeliveryAttempts });
      assert.deepEqual(sub.retry_policy, { minimum_backoff: `${t.push.minimumBackoffSeconds}s`, maximum_backoff: `${t.push.maximumBackoffSeconds}s` });
    }
    assert.equal(Object.keys(res.google_pubsub_subscription!).length, topology.topics.length * 2, 'no subscription beyond the topology');
  });
});

describe('terraform: BigQuery', () => {
  it('partitions every table by day on the partition key and clusters on at most 4 key/entity columns', () => {
    const tables = Object.values(res.google_bigquery_table!);
    const owned = [...plan.assets.values()].filter((a) => a.kind === 'table' && !a.external);
    assert.equal(tables.length, owned.length + 1, 'every owned table plus the execution log');
    for (const a of owned) {
      const t = tableOf(plan, a.ref)!;
      const tf = tables.find((x) => x.table_id === t.name && String(x.dataset_id).includes(`google_bigquery_dataset.${t.dataset}.`));
      assert.ok(tf, `table ${t.ref}`);
      assert.deepEqual(tf.time_partitioning, { type: 'DAY', field: plan.partition.key });
      const clustering = (tf.clustering ?? []) as string[];
      assert.ok(clustering.length <= 4);
      assert.ok(!clustering.includes(plan.partition.key));
      for (const c of clustering) assert.ok(t.key.includes(c) || Object.values(t.entities).includes(c), `${t.ref}: ${c} is a key or entity column`);
      assert.deepEqual(tf.labels, { pipeline: 'nba-props', dataset: t.dataset });
      assert.equal(tf.deletion_protection, true);
      const schema = JSON.parse(String(tf.schema)) as { name: string; mode: string }[];
      for (const col of t.columns) {
        const s = schema.find((x) => x.name === col.name);
        assert.ok(s, `${t.ref}.${col.name}`);
        assert.equal(s.mode, col.nullable ? 'NULLABLE' : 'REQUIRED');
      }
      assert.deepEqual(schema.map((x) => x.name), bigQueryTable(plan, t).columns.map((c) => c.name));
    }
  });

  it('creates the execution log partitioned on ts, one column per LogEntry field', () => {
    const log = Object.values(res.google_bigquery_table!).find((x) => x.table_id === EXECUTION_LOG.table)!;
    assert.deepEqual(log.time_partitioning, { type: 'DAY', field: 'ts' });
    const names = (JSON.parse(String(log.schema)) as { name: string }[]).map((c) => c.name);
    const fields: (keyof LogEntry)[] = ['ts', 'event', 'executionId', 'correlationId', 'parents', 'phase', 'processor', 'gate', 'partition', 'scope', 'fingerprint',
      'inputs', 'rowsWritten', 'changedEntities', 'durationMs', 'errorType', 'errorMessage', 'reasons', 'backfill', 'backfillReason', 'stopAfter', 'specHash', 'attempt', 'detail'];
    assert.deepEqual(names, [...fields.map(logColumn), 'insert_id']);
  });
});

describe('terraform: IAM is least privilege', () => {
  const iam = Object.entries(res).filter(([type]) => type.endsWith('_iam_member')).flatMap(([type, byN]) => Object.entries(byN).map(([n, b]) => ({ ...b, type, name: n }) as Json & { type: string; name: string }));

  it('grants project-level roles only where no narrower grant exists', () => {
    const project = iam.filter((b) => b.type === 'google_project_iam_member').map((b) => b.role).sort();
    assert.deepEqual(project, ['roles/bigquery.jobUser', 'roles/datastore.user']);
    for (const b of iam.filter((x) => x.type === 'google_project_iam_member')) assert.ok(b['//'], `${b.name} says why it is project-level`);
  });

  it('uses no primitive roles, no authoritative bindings and no public members', () => {
    for (const b of iam) {
      assert.ok(!['roles/owner', 'roles/editor', 'roles/viewer'].includes(String(b.role)), `${b.name}: ${b.role}`);
      assert.ok(!/allUsers|allAuthenticatedUsers/.test(String(b.member)), `${b.name}: ${b.member}`);
      assert.ok(['${local.service_member}', '${local.invoker_member}', '${local.pubsub_agent}'].includes(String(b.member)), `${b.name}: ${b.member}`);
    }
    assert.ok(!Object.keys(res).some((t) => t.endsWith('_iam_binding') || t.endsWith('_iam_policy')));
  });

  it('lets the service publish on its own topics only, resource by resource', () => {
    const publishers = iam.filter((b) => b.role === 'roles/pubsub.publisher' && b.member === '${local.service_member}');
    assert.ok(publishers.every((b) => b.type === 'google_pubsub_topic_iam_member'));
    const topics = publishers.map((b) => /^\$\{google_pubsub_topic\.([A-Za-z0-9_]+)\.name\}$/.exec(String(b.topic))?.[1]).map((id) => res.google_pubsub_topic![id!]?.name);
    const own = topology.topics.flatMap((t) => [t.name, t.deadLetter.topic]);
    assert.deepEqual([...topics].sort(), [...own].sort());
  });

  it('lets the Pub/Sub service agent dead-letter and the invoker call the service', () => {
    const agent = iam.filter((b) => b.member === '${local.pubsub_agent}');
    for (const t of topology.topics) {
      const [dlqId] = byName('google_pubsub_topic', t.deadLetter.topic)!;
      const [subId] = byName('google_pubsub_subscription', t.push.name)!;
      assert.ok(agent.some((b) => b.role === 'roles/pubsub.publisher' && b.topic === `\${google_pubsub_topic.${dlqId}.name}`), `agent publishes on ${t.deadLetter.topic}`);
      assert.ok(agent.some((b) => b.role === 'roles/pubsub.subscriber' && b.subscription === `\${google_pubsub_subscription.${subId}.name}`), `agent subscribes to ${t.push.name}`);
    }
    assert.ok(agent.some((b) => b.type === 'google_service_account_iam_member' && b.role === 'roles/iam.serviceAccountTokenCreator' && b.service_account_id === '${google_service_account.invoker.name}'));
    const invoker = iam.filter((b) => b.member === '${local.invoker_member}');
    assert.deepEqual(invoker.map((b) => [b.type, b.role]), [['google_cloud_run_v2_service_iam_member', 'roles/run.invoker']]);
    const datasets = iam.filter((b) => b.type === 'google_bigquery_dataset_iam_member');
    assert.ok(datasets.every((b) => b.role === 'roles/bigquery.dataEditor' || b.role === 'roles/bigquery.dataViewer'));
    const buckets = iam.filter((b) => b.type === 'google_storage_bucket_iam_member');
    assert.ok(buckets.length > 0 && buckets.every((b) => b.role === 'roles/storage.objectAdmin' || b.role === 'roles/storage.objectViewer'));
  });
});

describe('terraform: scheduler, service and references', () => {
  it('has one scheduler job per schedule, calling the service with OIDC', () => {
    const jobs = Object.values(res.google_cloud_scheduler_job!).filter((j) => j.name !== 'nba-props-reconcile');
    assert.equal(jobs.length, plan.schedules.size);
    for (const [name, s] of plan.schedules) {
      const job = jobs.find((j) => j.name === `nba-props-${name}`)!;
      assert.ok(job, name);
      assert.equal(job.schedule, s.cron);
      assert.equal(job.time_zone, s.timezone);
      const http = job.http_target as Json;
      assert.equal(http.uri, `${SERVICE_URL}/schedules/${name}`);
      assert.equal(http.http_method, 'POST');
      assert.deepEqual(http.oidc_token, { service_account_email: INVOKER, audience: SERVICE_URL });
    }
  });

  it('has a job that POSTs /reconcile with OIDC every few minutes (crash repair in production)', () => {
    const job = res.google_cloud_scheduler_job!._reconcile!;
    assert.ok(job, 'the reconcile job');
    assert.equal(job.name, 'nba-props-reconcile');
    assert.equal(job.schedule, '*/2 * * * *');
    const http = job.http_target as Json;
    assert.equal(http.uri, `${SERVICE_URL}/reconcile`);
    assert.equal(http.http_method, 'POST');
    assert.deepEqual(http.oidc_token, { service_account_email: INVOKER, audience: SERVICE_URL });
    assert.deepEqual(job.depends_on, ['google_cloud_run_v2_service.service']);
  });

  it('runs the service as its own account with the longest processor timeout plus a margin', () => {
    const svc = res.google_cloud_run_v2_service!.service!;
    const template = svc.template as Json;
    assert.equal(template.service_account, '${google_service_account.service.email}');
    assert.equal(template.timeout, '660s', 'the longest processor timeout (10m) + 60 s');
    const env = ((template.containers as Json[])[0]!.env as { name: string; value: string }[]);
    assert.deepEqual(env.find((e) => e.name === 'PIPELINE_BACKEND')?.value, 'gcp');
    assert.equal(env.find((e) => e.name === 'PIPELINE_OIDC_AUDIENCE')?.value, SERVICE_URL, 'the service checks the audience pushes carry');
    assert.equal(env.find((e) => e.name === 'PIPELINE_OIDC_EMAILS')?.value, INVOKER);
    const locals = (docs['infra/terraform/variables.tf.json']!.locals ?? {}) as Json;
    assert.equal(locals.service_url, 'https://nba-pipeline-${data.google_project.project.number}.${var.region}.run.app');
  });

  it('resolves every reference to something defined in the module', () => {
    const defined = new Set<string>();
    for (const d of Object.values(docs)) {
      for (const [type, byN] of Object.entries((d.resource ?? {}) as Record<string, Json>)) for (const n of Object.keys(byN)) defined.add(`${type}.${n}`);
      for (const [type, byN] of Object.entries((d.data ?? {}) as Record<string, Json>)) for (const n of Object.keys(byN)) defined.add(`data.${type}.${n}`);
      for (const n of Object.keys((d.variable ?? {}) as Json)) defined.add(`var.${n}`);
      for (const n of Object.keys((d.locals ?? {}) as Json)) defined.add(`local.${n}`);
    }
    const refs: string[] = [];
    for (const s of strings(Object.values(docs))) {
      for (const m of s.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
        for (const r of m[1]!.matchAll(/\b(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|google_[a-z0-9_]+\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_]+|local\.[A-Za-z0-9_]+)/g)) refs.push(r[1]!);
      }
    }
    for (const d of Object.values(docs)) {
      for (const byN of Object.values((d.resource ?? {}) as Record<string, Record<string, Json>>)) {
        for (const b of Object.values(byN)) refs.push(...((b.depends_on as string[] | undefined) ?? []));
      }
    }
    assert.ok(refs.length > 100);
    const dangling = [...new Set(refs)].filter((r) => !defined.has(r));
    assert.deepEqual(dangling, []);
  });
});

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

describe('terraform: the CLI loads the module', { skip: terraform ? false : 'SKIPPED: terraform is not installed' }, () => {
  it('parses every file (`terraform providers` needs no provider download)', () => {
    const { dir, cleanup } = tempDir('codegen-tf-');
    try {
      for (const [file, text] of Object.entries(terraformFiles(plan))) writeFileSync(path.join(dir, path.basename(file)), text);
      const r = spawnSync('terraform', [`-chdir=${dir}`, 'providers', '-no-color'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Error:/);
      assert.match(r.stdout, /hashicorp\/google/);
    } finally {
      cleanup();
    }
  });
});
