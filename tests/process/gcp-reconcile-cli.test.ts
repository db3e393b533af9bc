// `pipeline reconcile --backend gcp` from a laptop, as a user runs it: a child process of the real CLI
// with nothing but the emulators' addresses in its environment (no credentials, no gcloud login), on
// the Firestore and Pub/Sub emulators that a `serve --backend gcp` child was killed on.
//
// The crash: one serve child runs `left` (it blocks) and is killed with SIGKILL. Nobody else is
// there — no second instance, no scheduled /reconcile — so the run stays `running` and its lease
// expires unrenewed (PIPELINE_LEASE_TTL=3s). Then the operator runs the command. Expected: it
// reclaims the lease (the run marked failed, the lease gone), publishes the rerun on the request
// topic, says so, and exits 0 — the repair is published and the service runs it, which the help's
// "Exit status" promises; a serve started afterwards picks the rerun up and completes the cascade with
// every output exactly once. Bad arguments get one line and exit 2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease } from '../../engine/core/types.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { integrationOptions, startEmulators, waitFor, type Emulators } from '../integration/support.js';
import { emulatorEnv, pipelineCli } from './gcp-children.js';
import { startHealWorld } from './gcp-heal-world.js';
import { HEAL_DAY, HEAL_REQUESTS, writeHealProject } from './gcp-project.js';

const STACK = /\n\s+at |Node\.js v\d/;

describe('pipeline reconcile --backend gcp, bad arguments', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-reconcile-args-'));
  const spec = writeHealProject(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without a project (none given, none in the spec): one line naming what to give, exit 2, no stack', async () => {
    // The emulators' addresses are set, so nothing but the project is missing; no emulator is needed.
    const r = await pipelineCli(['-f', spec, 'reconcile', '--backend', 'gcp', '--date', HEAL_DAY], { HOME: dir, PUBSUB_EMULATOR_HOST: '127.0.0.1:9', FIRESTORE_EMULATOR_HOST: '127.0.0.1:9' });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), ['pipeline: reconcile --backend gcp needs a Google Cloud project — expected --project ID (env PIPELINE_PROJECT), or `project.id` in the spec']);
    assert.equal(r.stdout, '');
  });

  it('a bad --backend: one line, exit 2', async () => {
    const r = await pipelineCli(['-f', spec, 'reconcile', '--backend', 'gpc', '--project', 'p'], { HOME: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^pipeline: --backend "gpc" is not allowed — expected --backend local\|gcp/);
    assert.doesNotMatch(r.stderr, STACK);
  });
});

describe('pipeline reconcile --backend gcp from a laptop, after a serve process was killed', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('reclaims the dead run, publishes its rerun, exits 0; a serve started afterwards completes the cascade', { timeout: 160_000 }, async () => {
    const world = await startHealWorld(emu, 'cli-heal', { leaseTtl: '3s', holdMs: 30_000 });
    try {
      const [only] = await world.start(1);
      await world.trigger(only!);
      await world.killLeftRunner();
      const killedAt = Date.now();
      assert.equal(world.live().length, 0, 'no instance is left to repair anything');

      // The dead runner's lease stops being renewed: wait until it has expired (bounded by the TTL).
      const lease = await world.state.get<Lease>('leases', `left|${HEAL_DAY}`);
      assert.ok(lease, 'the killed run still holds its lease');
      await waitFor(() => Date.now() > lease.expiresAt + 250, 'the lease to expire', 10_000);
      const runsOfLeft = () => world.state.query<RunRecord>('runs', { eq: { processor: 'left' } });
      assert.deepEqual((await runsOfLeft()).map((r) => r.status), ['running'], 'nothing repaired it yet');
      const requestsBefore = world.observer.messages(HEAL_REQUESTS).length;

      const cliAt = Date.now();
      // Bounded by Firestore's expiry of a transaction the kill interrupted (about a minute: its locks
      // hold the lease until then; gcp-kill.test.ts says more), not by the seconds it usually takes.
      const r = await pipelineCli(['-f', world.spec, 'reconcile', '--backend', 'gcp', '--project', world.project, '--date', HEAL_DAY], { HOME: world.dir, ...emulatorEnv(world.bigquery.url) }, 100_000);
      const cliMs = Date.now() - cliAt;
      console.log(`reconcile exit ${r.code ?? r.signal}\n${r.stdout}${r.stderr}`);
      assert.equal(r.code, 0, `exit 0: the repair is published, the service runs it\n${r.stdout}${r.stderr}`);
      assert.equal(r.stderr, '', 'nothing on stderr: no warning, no stack');
      assert.match(r.stdout, /^leases reclaimed 1, .*requested again 0, .*\(project [^)]*; the service runs what this set in motion\)$/m);
      assert.match(r.stdout, new RegExp(`^in the service's hands \\(\\d+\\):\\n(  .*\\n)*  ${HEAL_DAY} left triggered: `, 'm'), 'the rerun of left is listed as handed over');

      // The repair really happened, by the command alone (no serve is live): the run failed over, the
      // lease is gone, and the rerun is on the request topic for the service.
      const [run] = await runsOfLeft();
      assert.equal(run!.status, 'failed');
      assert.match(run!.error ?? '', /lease reclaimed: it expired .* \(crashed or was killed\)/);
      assert.equal(await world.state.get('leases', `left|${HEAL_DAY}`), undefined, 'the lease is released');
      const requests = await world.observer.waitFor(HEAL_REQUESTS, requestsBefore + 1);
      const rerun = requests.slice(requestsBefore).filter((m) => m.data.processor_name === 'left');
      assert.equal(rerun.length, 1, `one rerun of left published: ${JSON.stringify(requests.slice(requestsBefore).map((m) => m.data))}`);
      assert.deepEqual([rerun[0]!.attributes.event_type, rerun[0]!.data.reason, rerun[0]!.data.source, rerun[0]!.data.partition], ['run_requested', 'rerun', 'reconciler', HEAL_DAY]);
      assert.equal(rerun[0]!.data.correlation_id, run!.correlationId, 'the rerun keeps the killed run\'s lineage');

      // An instance starts (Cloud Run scales up on the redelivered push): it runs the rerun and the rest.
      const startedAt = Date.now();
      const [survivor] = await world.start(1);
      await world.waitHealed(40_000, survivor!);
      const healedMs = Date.now() - startedAt;
      await world.assertExactlyOnce(survivor!);
      assert.ok(!survivor!.out.some((l) => /"event":"lease:reclaimed"/.test(l)), 'the reclaim was the command\'s, not the new instance\'s');
      const pushes = world.forwarder.pushes.map((p) => `${p.topic}:${p.answers.join('/') || 'none live'}${p.heldMs > 100 ? ` (held ${p.heldMs} ms)` : ''}`);
      console.log(`kill → reconcile: ${cliAt - killedAt} ms; reconcile command: ${cliMs} ms; serve start → cascade complete: ${healedMs} ms; pushes: ${pushes.length} (${pushes.join(', ')})`);
    } finally {
      await world.close();
    }
  });
});
