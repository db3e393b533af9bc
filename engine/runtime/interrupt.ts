// Interrupting the runs still in flight when the process has to stop (SIGTERM, once the drain bound
// has passed): each processor is told to stop (its `ctx.signal`), its lease is released at once and
// its run record says `interrupted` (not `running` until someone reconciles), and, in the same
// transaction, the run is requested again through the outbox with the lease's context (stage, scope,
// backfill, lineage) — so another instance takes it over now instead of after the lease's expiry or
// the push's ack deadline. The delivery that started it answers `retry` (a push gets 503, the local bus
// keeps the message); no attempt is counted, since the processor did not fail. Tickets make the two
// deliveries (the rerun request and a redelivery) run it once: the first covers both.
import type { Lease } from '../core/types.js';
import type { EngineHost } from './host.js';
import { RunInterruptedError, type InFlightRun } from './in-flight.js';
import { ids } from './keys.js';
import type { RunRecord } from './records.js';
import { emitInTx } from './tickets.js';

/** Stop every run in flight in this process and release its lease (see the header). Returns how many were released. */
export async function interruptRuns(host: EngineHost, reason: string): Promise<number> {
  let released = 0;
  await host.runs.interruptAll(async (r) => {
    r.abort(new RunInterruptedError(reason));
    if (await releaseInterrupted(host, r, reason)) released++;
  });
  return released;
}

async function releaseInterrupted(host: EngineHost, r: InFlightRun, reason: string): Promise<boolean> {
  const now = host.now();
  const leaseId = ids.lease(r.processor, r.partition);
  const out = await host.backends.state.transaction(async (tx) => {
    const l = await tx.get<Lease>('leases', leaseId);
    // Finished meanwhile (its completion released the lease), or taken over: nothing of ours to release.
    if (!l || l.token !== r.executionId) return undefined;
    tx.delete('leases', leaseId);
    const run = await tx.get<RunRecord>('runs', r.executionId);
    if (run && run.status === 'running') tx.set('runs', r.executionId, { ...run, status: 'interrupted', finishedAt: now, error: reason, errorType: 'Interrupted' });
    const c = l.context;
    const req = host.request(l.processor, l.partition, {
      reason: 'rerun', source: 'shutdown', scope: c.scope, correlationId: c.lineage.correlationId, parents: c.lineage.parents, backfill: c.backfill, stage: c.stage,
      force: c.force, onlyIfNotDone: c.onlyIfNotDone,
    });
    return { run, entries: await emitInTx(host, tx, [req], now) };
  });
  if (!out) return false;
  host.record({
    event: 'run:interrupted', executionId: r.executionId, correlationId: out.run?.correlationId, processor: r.processor, partition: r.partition,
    reasons: [`${reason}: the lease is released and the run requested again`],
  });
  await host.dispatch(out.entries);
  return true;
}
