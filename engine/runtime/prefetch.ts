// What the claim and completion transactions will read, known before they read anything: both read
// it up front in ONE multi-document get (`StateTx.getAll`, one Firestore BatchGetDocuments), and the
// transaction serves their later document reads from what it read. On Firestore a changed run so
// costs one read round trip per transaction instead of one per document group.
//
// What stays a read of its own, and why:
//   - queries: the claim's window inputs (a range of versions) and its wave view's pending marks of
//     the partition (which processors have open work is not knowable up front);
//   - the claim's stage settlement and the tickets its skip opens (only for a settling skip, which
//     the decision — made on what was read — chooses);
//   - in completion, the marks of a stage's next level (only when the level settled, which the
//     member records read in the batch decide).
// The completion's batch also reads the downstream marks, so the run knows whether anything waits on
// it: only then does it run the separate release transaction (follow-ups.ts releaseHeld).
// Prefetching a document that ends up unused costs a billed read, never a round trip: the wave view
// (unused by a stop-after skip), the downstream marks (unused when the output did not change) and a
// stage processor's epoch and level (unused outside an epoch) are read on those paths too.
import { gatesToView, waveGraph } from '../core/waves.js';
import type { DocKey } from '../ports.js';
import type { Plan, ProcessorPlan } from '../spec/plan.js';
import { ids } from './keys.js';
import { snapshotKeys } from './snapshot.js';
import { waveViewKeys } from './wave-view.js';

/** The documents of a claim: the decision's snapshot and the wave view its hold check reads. */
export function claimReads(plan: Plan, p: ProcessorPlan, partition: string): DocKey[] {
  return [
    ...snapshotKeys(p, partition),
    { collection: 'pending', id: ids.pending(p.name, partition) },
    ...waveViewKeys(plan, partition, gatesToView(plan, [p.name])),
  ];
}

/** Processors downstream of `p` (transitively) and those its outputs trigger, in plan order. */
export function downstreamOf(plan: Plan, p: ProcessorPlan): string[] {
  const down = new Set(waveGraph(plan).downstream.get(p.name) ?? []);
  for (const ref of p.outputs) for (const q of plan.triggeredBy.get(ref) ?? []) down.add(q);
  return plan.order.filter((n) => down.has(n));
}

/** The documents of a successful run's completion transaction. */
export function completionReads(plan: Plan, p: ProcessorPlan, partition: string, executionId: string): DocKey[] {
  const keys: DocKey[] = [{ collection: 'leases', id: ids.lease(p.name, partition) }];
  for (const ref of p.outputs) {
    keys.push({ collection: 'versions', id: ids.version(ref, partition) }, { collection: 'entity_hashes', id: ids.hashes(ref, partition) });
  }
  keys.push(
    { collection: 'last_success', id: ids.lastSuccess(p.name, partition) },
    { collection: 'runs', id: executionId },
    { collection: 'pending', id: ids.pending(p.name, partition) },
  );
  // The marks of everything downstream: an update of an output opens tickets on some of them (routing
  // keeps the partition), and a held one among them is released after the commit (none held: no
  // release transaction at all).
  for (const q of downstreamOf(plan, p)) keys.push({ collection: 'pending', id: ids.pending(q, partition) });
  if (p.stage) {
    keys.push({ collection: 'stage_epochs', id: ids.stageEpoch(p.stage.name, partition) });
    const level = plan.stages.get(p.stage.name)?.levels[p.stage.level - 1] ?? [p.name];
    for (const q of level) keys.push({ collection: 'stage_members', id: ids.stageMember(p.stage.name, partition, q) });
  }
  return keys;
}
