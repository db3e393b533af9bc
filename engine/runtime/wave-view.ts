// Loads what a hold decision sees of a partition (core/waves.ts), inside the caller's transaction: the
// pending marks of the partition (one query: only processors with unsettled work have one) and, for
// the gates asked for, their last fire and their members' primary output versions (one batched get).
import type { GateView, WaveView } from '../core/waves.js';
import type { GateFire, PartitionVersion, PendingMark } from '../core/types.js';
import type { DocKey, StateTx } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import { ids } from './keys.js';

/** The documents loadWaveView reads (its pending marks are a query, not listed). */
export function waveViewKeys(plan: Plan, partition: string, gates: readonly string[]): DocKey[] {
  const members = [...new Set(gates.flatMap((g) => plan.gates.get(g)!.members))];
  return [
    ...members.map((m): DocKey => ({ collection: 'versions', id: ids.version(plan.processors.get(m)!.output, partition) })),
    ...gates.map((g): DocKey => ({ collection: 'gate_fires', id: ids.gateFire(g, partition) })),
  ];
}

export async function loadWaveView(tx: Pick<StateTx, 'query' | 'getMany'>, plan: Plan, partition: string, gates: readonly string[]): Promise<WaveView> {
  const members = [...new Set(gates.flatMap((g) => plan.gates.get(g)!.members))];
  const outputs = members.map((m) => plan.processors.get(m)!.output);
  const [marks, versions, fires] = await Promise.all([
    tx.query<PendingMark>('pending', { eq: { partition } }),
    tx.getMany<PartitionVersion>('versions', outputs.map((o) => ids.version(o, partition))),
    tx.getMany<GateFire>('gate_fires', gates.map((g) => ids.gateFire(g, partition))),
  ]);
  const byMember = new Map(members.map((m, i) => [m, versions[i]] as const));
  const gateViews = new Map<string, GateView>();
  gates.forEach((g, i) => {
    const view: GateView = { outputs: Object.fromEntries(plan.gates.get(g)!.members.map((m) => [m, byMember.get(m)] as const)) };
    if (fires[i]) view.fire = fires[i];
    gateViews.set(g, view);
  });
  return { pending: new Map(marks.map((m) => [m.processor, m] as const)), gates: gateViews };
}
