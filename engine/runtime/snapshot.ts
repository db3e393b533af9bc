// Loads what the decision core needs about one (processor, partition) from the state store, inside
// the caller's transaction: the versions of every input partition (a window is one range query),
// the last success, the lease and the attempts. Never the warehouse.
import { readsNeeded, versionKey, type Snapshot } from '../core/decide.js';
import type { AttemptState, LastSuccess, Lease, PartitionVersion } from '../core/types.js';
import type { DocKey, StateTx } from '../ports.js';
import type { ProcessorPlan } from '../spec/plan.js';
import { ids } from './keys.js';

/** The documents loadSnapshot reads one by one (window inputs are range queries, not listed). */
export function snapshotKeys(p: ProcessorPlan, partition: string): DocKey[] {
  const keys: DocKey[] = readsNeeded(p, partition).filter((n) => n.partitions.length === 1).map((n) => ({ collection: 'versions', id: ids.version(n.asset, n.partitions[0]!) }));
  keys.push(
    { collection: 'last_success', id: ids.lastSuccess(p.name, partition) },
    { collection: 'leases', id: ids.lease(p.name, partition) },
    { collection: 'attempts', id: ids.attempts(p.name, partition) },
  );
  return keys;
}

export async function loadVersions(tx: Pick<StateTx, 'getMany' | 'query'>, p: ProcessorPlan, partition: string): Promise<Map<string, PartitionVersion>> {
  const versions = new Map<string, PartitionVersion>();
  const singles: string[] = [];
  const ranges: Promise<PartitionVersion[]>[] = [];
  for (const need of readsNeeded(p, partition)) {
    if (need.partitions.length === 1) singles.push(ids.version(need.asset, need.partitions[0]!));
    else ranges.push(tx.query<PartitionVersion>('versions', { eq: { asset: need.asset }, range: { field: 'partition', gte: need.partitions[0]!, lte: need.partitions[need.partitions.length - 1]! } }));
  }
  const [one, ...many] = await Promise.all([tx.getMany<PartitionVersion>('versions', singles), ...ranges]);
  for (const v of [...(one as (PartitionVersion | undefined)[]), ...many.flat()]) if (v) versions.set(versionKey(v.asset, v.partition), v);
  return versions;
}

export async function loadSnapshot(tx: StateTx, p: ProcessorPlan, partition: string): Promise<Snapshot> {
  const [versions, [lastSuccess], [lease], [attempts]] = await Promise.all([
    loadVersions(tx, p, partition),
    tx.getMany<LastSuccess>('last_success', [ids.lastSuccess(p.name, partition)]),
    tx.getMany<Lease>('leases', [ids.lease(p.name, partition)]),
    tx.getMany<AttemptState>('attempts', [ids.attempts(p.name, partition)]),
  ]);
  return { versions, lastSuccess, lease, attempts };
}
