// The Pub/Sub and scheduler topology derived from the plan: which topics exist, who consumes them,
// and how their push subscriptions deliver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PUBSUB_LIMITS, phaseConsumers, requestTopic, tasksTopic, topologyOf } from '../../engine/infra/topology.js';
import * as outbox from '../../engine/runtime/outbox.js';
import { modifiedPlan, nbaPlan } from './helpers.js';

describe('topology of the reference pipeline', () => {
  const plan = nbaPlan();
  const t = topologyOf(plan);

  it('has one topic per phase, the request topic, and the task topic (player_points_predictions fans out)', () => {
    assert.deepEqual(t.topics.map((x) => x.name), [...plan.phases.map((p) => p.topic), 'nba-props-requests', 'nba-props-tasks']);
    assert.equal(requestTopic(plan), 'nba-props-requests');
    assert.equal(tasksTopic(plan), 'nba-props-tasks');
    const tasks = t.topics.find((x) => x.role === 'tasks')!;
    assert.deepEqual(tasks.consumers, ['player_points_predictions']);
    assert.equal(tasks.push.ackDeadlineSeconds, Math.ceil(plan.processors.get('player_points_predictions')!.fanOut!.taskTimeoutMs / 1000));
  });

  it('names the topics the runtime publishes on (engine/runtime/outbox.ts)', () => {
    assert.equal(outbox.requestTopic(plan), requestTopic(plan));
    assert.equal(outbox.tasksTopic(plan), tasksTopic(plan));
    for (const p of plan.processors.values()) {
      const topic = outbox.topicOf(plan, { type: 'asset_updated', asset: p.output, partition: '2025-11-15', changedEntities: null, processor: p.name, status: 'success', backfill: null, emittedAt: 0, origin: 'engine', correlationId: 'c', parents: [] });
      assert.ok(t.topics.some((x) => x.name === topic), `${p.name} publishes on ${topic}, a topic of the topology`);
    }
  });

  it('has no task topic when nothing fans out', () => {
    const without = modifiedPlan([[['processors', 'player_points_predictions', 'fan_out'], undefined]]);
    assert.ok(!topologyOf(without).topics.some((x) => x.role === 'tasks'));
  });

  it('gives every topic a 7-day DLQ with a pull subscription, and a push subscription to /events/{topic}', () => {
    for (const x of t.topics) {
      assert.equal(x.deadLetter.topic, `${x.name}-dlq`);
      assert.equal(x.deadLetter.subscription, `${x.name}-dlq-sub`);
      assert.equal(x.deadLetter.retentionSeconds, 604800);
      assert.equal(x.push.name, `${x.name}-sub`);
      assert.equal(x.push.endpointPath, `/events/${x.name}`);
      assert.equal(x.push.deadLetterTopic, x.deadLetter.topic);
    }
  });

  it('lists as consumers of a phase topic the processors its outputs trigger', () => {
    const raw = phaseConsumers(plan, 'raw');
    assert.ok(raw.includes('team_offense_game_summary') && raw.includes('upcoming_player_game_context'));
    assert.ok(!raw.includes('nbac_schedule_processor'), 'raw processors are triggered by scraper objects, not raw tables');
    assert.ok(phaseConsumers(plan, 'scrapers').includes('nbac_schedule_processor'));
    assert.deepEqual(phaseConsumers(plan, 'publishing'), []);
    const requests = t.topics.find((x) => x.role === 'requests')!;
    assert.deepEqual(requests.consumers, plan.order);
  });

  it('sets ack deadline, attempts and backoff from the consumers, within Pub/Sub limits', () => {
    const predictions = t.topics.find((x) => x.phase === 'precompute')!; // consumed by player_points_predictions (10m)
    assert.ok(predictions.consumers.includes('player_points_predictions'));
    assert.equal(predictions.push.ackDeadlineSeconds, PUBSUB_LIMITS.ackDeadlineSeconds.max);
    for (const x of t.topics) {
      assert.ok(x.push.ackDeadlineSeconds >= 10 && x.push.ackDeadlineSeconds <= 600);
      assert.ok(x.push.maxDeliveryAttempts >= 5 && x.push.maxDeliveryAttempts <= 100);
      assert.ok(x.push.minimumBackoffSeconds <= x.push.maximumBackoffSeconds && x.push.maximumBackoffSeconds <= 600);
    }
    const scrapers = t.topics.find((x) => x.phase === 'scrapers')!; // raw processors: 10m, 5 attempts, 10s..10m
    assert.deepEqual(
      [scrapers.push.ackDeadlineSeconds, scrapers.push.maxDeliveryAttempts, scrapers.push.minimumBackoffSeconds, scrapers.push.maximumBackoffSeconds],
      [600, 5, 10, 600],
    );
  });

  it('has one scheduler job per schedule, POSTing to /schedules/{name}', () => {
    assert.deepEqual(t.schedulerJobs.map((j) => j.schedule), [...plan.schedules.keys()].sort());
    for (const j of t.schedulerJobs) {
      const s = plan.schedules.get(j.schedule)!;
      assert.equal(j.path, `/schedules/${j.schedule}`);
      assert.equal(j.cron, s.cron);
      assert.equal(j.timeZone, s.timezone);
      assert.equal(j.method, 'POST');
      assert.deepEqual(JSON.parse(j.body), { schedule: j.schedule });
    }
  });
});

describe('topology rules on modified specs', () => {
  it('adds a task topic for fan-out, clamping a short task timeout and few attempts up to Pub/Sub minimums', () => {
    const plan = modifiedPlan([
      [['processors', 'player_points_predictions', 'fan_out'], { entity: 'player', from: 'nba_predictions.ml_feature_store_v2', task_timeout: '5s' }],
      [['processors', 'player_points_predictions', 'retry'], { max_attempts: 2, initial_backoff: '1s', max_backoff: '30s' }],
    ]);
    const t = topologyOf(plan);
    const tasks = t.topics.find((x) => x.role === 'tasks');
    assert.ok(tasks, 'a fan-out processor adds the task topic');
    assert.equal(tasks.name, 'nba-props-tasks');
    assert.deepEqual(tasks.consumers, ['player_points_predictions']);
    assert.equal(tasks.deadLetter.topic, 'nba-props-tasks-dlq');
    assert.equal(tasks.push.ackDeadlineSeconds, 10, '5 s tasks: clamped up to the 10 s minimum');
    assert.equal(tasks.push.maxDeliveryAttempts, 5, '2 attempts: clamped up to the minimum of 5');
    assert.deepEqual([tasks.push.minimumBackoffSeconds, tasks.push.maximumBackoffSeconds], [1, 30]);
  });

  it('takes the most eager minimum backoff among a topic\'s consumers', () => {
    const plan = modifiedPlan([[['processors', 'nbac_schedule_processor', 'retry'], { initial_backoff: '2s' }]]);
    const scrapers = topologyOf(plan).topics.find((x) => x.phase === 'scrapers')!;
    assert.equal(scrapers.push.minimumBackoffSeconds, 2);
    assert.equal(scrapers.push.maximumBackoffSeconds, 600);
  });

  it('uses the largest attempts among consumers', () => {
    const plan = modifiedPlan([[['processors', 'team_offense_game_summary', 'retry'], { max_attempts: 100 }]]);
    const raw = topologyOf(plan).topics.find((x) => x.phase === 'raw')!;
    assert.equal(raw.push.maxDeliveryAttempts, 100);
  });
});
