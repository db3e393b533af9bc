// Self-healing in production, with real processes: two `pipeline serve --backend gcp` CHILD PROCESSES
// on the Pub/Sub and Firestore emulators (BigQuery is a local HTTP fake in this process: no emulator
// exists), every push delivered to BOTH of them (a broadcasting forwarder stands between the push
// subscriptions and the children), and the one running a processor killed with SIGKILL mid-run.
//
// Nobody repairs by hand. Cloud Run instances run no timers between requests, so production heals by
// the generated Cloud Scheduler job, which POSTs /reconcile every few minutes to the service URL (any
// live instance). The test plays that scheduler and nothing else: a timer POSTs /reconcile every
// two seconds to the first instance that answers. With PIPELINE_LEASE_TTL=6s in the children, the
// dead runner's lease stops being renewed, expires, and the survivor's reconcile pass reclaims it.
// (Not 3 s: a contended transaction on the Firestore emulator takes seconds, so a renewal every
// second could arrive after a 3 s lease expired and fence a holder that is alive.)
//
// A kill can land inside one of the victim's Firestore transactions (a claim for a push it was
// handling): Firestore keeps that transaction's locks until it expires, about a minute (measured on
// the emulator, see tests/backends-gcp/firestore-swap.test.ts), and the reclaim waits for them. The
// heartbeat, where a long run spends its life, takes no lock (StateStore.swap); the bound allows for
// the rarer case: lease TTL + lock expiry + the repair's own run.
//
// Expected: the cascade completes within that bound (it takes seconds when no lock is left); every output is written (one MERGE per
// table) and announced exactly once; the gate fires once; the source ran once for its one trigger.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { integrationOptions, startEmulators, type Emulators } from '../integration/support.js';
import type { Child } from './gcp-children.js';
import { startHealWorld } from './gcp-heal-world.js';

/** What Cloud Scheduler does with the generated reconcile job: POST /reconcile on a timer, to an instance that answers. */
function schedulerReconcile(children: () => Child[], everyMs: number) {
  const calls: Array<{ to: string; status: number }> = [];
  const timer = setInterval(() => void (async () => {
    for (const c of children()) {
      try {
        const r = await fetch(`${c.url}/reconcile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        await r.arrayBuffer();
        calls.push({ to: c.url, status: r.status });
        if (r.ok) return;
      } catch {
        // this instance is down: Cloud Run routes the call to another one
      }
    }
  })(), everyMs);
  return { calls, stop: () => clearInterval(timer) };
}

describe('two serve --backend gcp processes, one killed mid-run', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('heal through the scheduled reconcile: the cascade completes, every output once, the gate once, the source once', { timeout: 170_000 }, async () => {
    const world = await startHealWorld(emu, 'heal', { leaseTtl: '6s' });
    let scheduler: ReturnType<typeof schedulerReconcile> | undefined;
    try {
      const children = await world.start(2);
      scheduler = schedulerReconcile(world.live, 2000);
      // One trigger of the source, as an operator (or a schedule) makes it; the forwarder delivers it to both.
      await world.trigger(children[0]!);
      const victim = await world.killLeftRunner();
      const killedAt = Date.now();
      const survivor = children.find((c) => c !== victim)!;

      // No manual call: the scheduled reconcile and the pushes alone must finish the cascade.
      await world.waitHealed(100_000, survivor);
      const healedMs = Date.now() - killedAt;
      await world.assertExactlyOnce(survivor);
      assert.ok(survivor.out.some((l) => /"event":"lease:reclaimed"/.test(l)), 'the survivor reclaimed the lease in a scheduled reconcile pass');
      assert.ok(scheduler.calls.every((c) => c.to === survivor.url || c.status === 200), 'reconcile calls were answered');
      console.log(`pushes: ${world.forwarder.pushes.length} (${world.forwarder.pushes.map((p) => `${p.topic}:${p.answers.join('/')}`).join(', ')}); scheduled reconciles: ${scheduler.calls.length}; kill → final succeeded: ${healedMs} ms`);
    } finally {
      scheduler?.stop();
      await world.close();
    }
  });
});
