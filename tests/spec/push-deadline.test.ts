// A run must fit the push that starts it (PIPE047): Pub/Sub waits at most 10 minutes for a push's
// answer, so a processor's timeout, the default timeout and a fan-out's task timeout stop there. The
// NBA spec keeps to it: its long predictions run as fan-out tasks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { planFromText } from '../../engine/spec/index.js';
import { PUSH_ACK_DEADLINE_MAX_MS } from '../../engine/spec/limits.js';
import { PUBSUB_LIMITS } from '../../engine/infra/topology.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = readFileSync(path.join(ROOT, 'tests/spec/invalid/timeout-outlasts-push.yaml'), 'utf8');

const withTimeouts = (timeout: string, task: string) => FIXTURE.replace('timeout: 15m', `timeout: ${timeout}`).replace('task_timeout: 11m', `task_timeout: ${task}`);
const codes = (text: string) => planFromText(text, 'p.yaml', ROOT, { checkModules: false }).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);

describe('runs fit the push that starts them', () => {
  it('takes exactly the ack deadline, and refuses a second more, for the timeout and the task timeout alike', () => {
    assert.deepEqual(codes(withTimeouts('10m', '600s')), []);
    assert.deepEqual(codes(withTimeouts('601s', '10m')), ['34:14 PIPE047']);
    assert.deepEqual(codes(withTimeouts('10m', '601s')), ['41:63 PIPE047']);
  });

  it('says why and what to do instead', () => {
    const [d] = planFromText(withTimeouts('15m', '2m'), 'p.yaml', ROOT, { checkModules: false }).diagnostics;
    assert.match(d!.message, /processor `load_games` may take 15m, longer than a Pub\/Sub push can wait for its answer \(ack deadline at most 10m\)/);
    assert.match(d!.hint!, /fan_out:/);
  });

  it('is the limit the generated subscriptions are clamped to, and the NBA spec keeps to it', () => {
    assert.equal(PUBSUB_LIMITS.ackDeadlineSeconds.max * 1000, PUSH_ACK_DEADLINE_MAX_MS);
    const nba = planFromText(readFileSync(path.join(ROOT, 'pipeline.yaml'), 'utf8'), 'pipeline.yaml', ROOT, { checkModules: false });
    assert.ok(nba.plan, nba.diagnostics.map((d) => d.message).join('\n'));
    const long = [...nba.plan.processors.values()].filter((p) => p.timeoutMs > PUSH_ACK_DEADLINE_MAX_MS).map((p) => p.name);
    assert.deepEqual(long, []);
    assert.ok(nba.plan.processors.get('player_points_predictions')!.fanOut, 'the long predictions fan out');
  });
});
