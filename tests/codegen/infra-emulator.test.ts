// `pipeline infra apply --emulator` and `infra diff --emulator` against the real Pub/Sub emulator:
// apply creates exactly what the Terraform module declares, a second apply changes nothing, diff is
// clean after apply and names what was deleted, misconfigured or added.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';
import { pubsubClient, readLiveState, type PubSubState } from '../../engine/infra/pubsub-state.js';
import { terraformModule } from '../../codegen/terraform/index.js';
import { topologyOf } from '../../engine/infra/topology.js';
import { pubsubTestOptions, startPubSubEmulator, type RunningEmulator } from '../harness/pubsub-emulator.js';
import { nbaPlan, resources, ROOT, type Json } from './helpers.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const SERVICE_URL = 'http://127.0.0.1:8080';
const PROJECT = 'nba-props-platform';

describe('infra apply / diff on the Pub/Sub emulator', pubsubTestOptions(), () => {
  let emu: RunningEmulator;
  const env = () => ({ PUBSUB_EMULATOR_HOST: emu.host, PIPELINE_SERVICE_URL: SERVICE_URL });
  const cli = async (...args: string[]) => {
    const io = bufferIO(ROOT, env());
    const code = await runCli(args, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  const live = async (): Promise<PubSubState> => {
    const client = pubsubClient({ project: PROJECT, emulatorHost: emu.host });
    try {
      return await readLiveState(client);
    } finally {
      await client.close();
    }
  };
  const withClient = async (fn: (c: ReturnType<typeof pubsubClient>) => Promise<unknown>) => {
    const client = pubsubClient({ project: PROJECT, emulatorHost: emu.host });
    try {
      await fn(client);
    } finally {
      await client.close();
    }
  };

  before(async () => {
    emu = await startPubSubEmulator();
  });
  after(async () => {
    await emu?.stop();
  });

  it('creates the topology, and a second apply changes nothing', async () => {
    const first = await cli('infra', 'apply', '--emulator');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /created subscription nba-phase1-scrapers-complete-sub: push to http:\/\/127\.0\.0\.1:8080\/events\/nba-phase1-scrapers-complete/);
    assert.match(first.out, new RegExp(`infra apply: ${topologyOf(nbaPlan()).topics.length * 4} changes`), 'per topic: topic, DLQ topic, push and DLQ subscriptions');
    const second = await cli('infra', 'apply', '--emulator');
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /infra apply: 0 changes/);
  });

  it('leaves on the emulator what the Terraform module declares', async () => {
    const state = await live();
    const res = resources(terraformModule(nbaPlan()));
    const tfTopics = Object.values(res.google_pubsub_topic!);
    const tfSubs = Object.values(res.google_pubsub_subscription!);
    const topicName = (ref: string) => res.google_pubsub_topic![/google_pubsub_topic\.([A-Za-z0-9_]+)\.id/.exec(ref)![1]!]!.name;
    assert.deepEqual([...state.topics.keys()].sort(), tfTopics.map((t) => String(t.name)).sort());
    assert.deepEqual([...state.subscriptions.keys()].sort(), tfSubs.map((s) => String(s.name)).sort());
    for (const t of tfTopics) {
      const retention = t.message_retention_duration ? Number(String(t.message_retention_duration).replace('s', '')) : undefined;
      assert.equal(state.topics.get(String(t.name))!.retentionSeconds, retention, String(t.name));
    }
    for (const s of tfSubs) {
      const l = state.subscriptions.get(String(s.name))!;
      assert.equal(l.topic, topicName(String(s.topic)), `${s.name} topic`);
      assert.equal(l.ackDeadlineSeconds, s.ack_deadline_seconds, `${s.name} ack deadline`);
      const push = s.push_config as Json | undefined;
      assert.equal(l.pushEndpoint, push ? String(push.push_endpoint).replace('${local.service_url}', SERVICE_URL) : '', `${s.name} endpoint`);
      const dlp = s.dead_letter_policy as Json | undefined;
      assert.equal(l.deadLetterTopic, dlp ? topicName(String(dlp.dead_letter_topic)) : undefined, `${s.name} dead-letter topic`);
      assert.equal(l.maxDeliveryAttempts, dlp?.max_delivery_attempts, `${s.name} attempts`);
      const rp = s.retry_policy as Json | undefined;
      assert.equal(l.minimumBackoffSeconds === undefined ? undefined : `${l.minimumBackoffSeconds}s`, rp?.minimum_backoff, `${s.name} min backoff`);
      assert.equal(l.maximumBackoffSeconds === undefined ? undefined : `${l.maximumBackoffSeconds}s`, rp?.maximum_backoff, `${s.name} max backoff`);
    }
  });

  it('reports no drift after apply, with scheduler jobs marked as not checked', async () => {
    const r = await cli('infra', 'diff', '--emulator');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, new RegExp(`scheduler jobs: ${nbaPlan().schedules.size} not checked on the emulator`));
    assert.match(r.out, /infra diff: no drift/);
  });

  it('reports a deleted subscription as missing, a changed one as misconfigured, and an extra one; apply repairs', async () => {
    await withClient(async (c) => {
      await c.subscription('nba-phase3-analytics-complete-sub').delete();
      await c.subscription('nba-phase2-raw-complete-sub').setMetadata({ ackDeadlineSeconds: 30, deadLetterPolicy: { deadLetterTopic: c.topic('nba-phase2-raw-complete-dlq').name, maxDeliveryAttempts: 7 } });
      await c.topic('nba-phase1-scrapers-complete').createSubscription('nba-phase1-scrapers-complete-debug');
      await c.createTopic('someone-elses-topic');
      await c.topic('someone-elses-topic').createSubscription('someone-elses-sub');
    });
    const r = await cli('infra', 'diff', '--emulator');
    assert.equal(r.code, 1);
    const lines = r.out.split('\n');
    assert.ok(lines.includes('missing subscription nba-phase3-analytics-complete-sub (push to http://127.0.0.1:8080/events/nba-phase3-analytics-complete)'), r.out);
    assert.ok(lines.includes('misconfigured subscription nba-phase2-raw-complete-sub: ackDeadlineSeconds is 30, want 600; maxDeliveryAttempts is 7, want 5'), r.out);
    assert.ok(lines.includes('extra subscription nba-phase1-scrapers-complete-debug (not derived from the spec)'), r.out);
    assert.ok(!r.out.includes('someone-elses'), 'topics of other systems are not flagged');
    assert.match(r.out, /infra diff: 3 differences/);

    const fix = await cli('infra', 'apply', '--emulator');
    assert.equal(fix.code, 0, fix.err);
    assert.match(fix.out, /created subscription nba-phase3-analytics-complete-sub/);
    assert.match(fix.out, /updated subscription nba-phase2-raw-complete-sub/);
    assert.match(fix.out, /note: extra subscription nba-phase1-scrapers-complete-debug/);
    const after = await cli('infra', 'diff', '--emulator');
    assert.deepEqual(after.out.split('\n').filter((l) => /^(missing|misconfigured)/.test(l)), []);
  });

  it('reports push endpoints that point elsewhere', async () => {
    const r = await cli('infra', 'diff', '--emulator', '--endpoint', 'https://pipeline.example.run.app');
    assert.equal(r.code, 1);
    assert.match(r.out, /misconfigured subscription nba-props-requests-sub: pushEndpoint is http:\/\/127\.0\.0\.1:8080\/events\/nba-props-requests, want https:\/\/pipeline\.example\.run\.app\/events\/nba-props-requests/);
  });

  it('asks for the emulator address or a target', async () => {
    const io = bufferIO(ROOT, {});
    assert.equal(await runCli(['infra', 'apply', '--emulator'], io), 2);
    assert.match(io.stderr.join('\n'), /PUBSUB_EMULATOR_HOST/);
    const none = await cli('infra', 'diff');
    assert.equal(none.code, 2);
    assert.match(none.err, /--emulator \| --project/);
  });
});
