// What the two job-queue peers share: the jobs each workload submits (by name and payload), so
// graphile-worker and BullMQ get exactly the same submissions; each adds them with its own bulk call.
import { Marks } from './marks.js';
import { UPSTREAMS, type PeerSystem } from './workloads.js';

export interface QueueJob {
  name: 'step' | 'up' | 'noop';
  data: Record<string, string | number>;
}

export abstract class QueuePeer implements PeerSystem {
  abstract readonly name: string;
  readonly marks = new Marks();
  /** Add these jobs in one bulk call. */
  protected abstract add(jobs: QueueJob[]): Promise<void>;
  abstract idle(): Promise<void>;
  abstract close(): Promise<void>;

  startChains(partitions: string[]): Promise<void> {
    return this.add(partitions.map((p) => ({ name: 'step', data: { p, i: 0 } })));
  }

  /** Every upstream of every group twice: the second copies test that the downstream still runs once. */
  startFanIns(groups: string[]): Promise<void> {
    const once = groups.flatMap((g) => UPSTREAMS.map((u): QueueJob => ({ name: 'up', data: { g, u } })));
    return this.add([...once, ...once]);
  }

  startNoops(partitions: string[]): Promise<void> {
    return this.add(partitions.map((p) => ({ name: 'noop', data: { p } })));
  }
}
