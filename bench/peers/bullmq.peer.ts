// BullMQ under the peer workloads, in this process, on the bench's own Redis. Like graphile-worker it
// has no DAG for independently submitted jobs, so the job code does what a user would write: a chain
// step adds the next step's job after its code returns; a fan-in upstream adds itself to a Redis set in
// one MULTI (SADD + SCARD, atomic on Redis' single thread), and the one whose SADD completed the set of
// five adds the downstream job. BullMQ's flows are not used: a flow creates children with their parent
// at once, which cannot express upstreams submitted on their own (and twice).
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QueuePeer, type QueueJob } from './queue-peer.js';
import { CHAIN, DOWNSTREAM, NOOP, UPSTREAMS } from './workloads.js';

const QUEUE = 'peers';

export class BullmqPeer extends QueuePeer {
  readonly name = 'BullMQ';
  private worker: Worker | undefined;
  private constructor(private readonly queue: Queue, private readonly sets: Redis) {
    super();
  }

  static async open(redis: { host: string; port: number }, concurrency: number): Promise<BullmqPeer> {
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    // Completed jobs are removed, as graphile-worker deletes them: the queue does not grow over rounds.
    const queue = new Queue(QUEUE, { connection, defaultJobOptions: { removeOnComplete: true, removeOnFail: false } });
    const sets = new Redis({ host: redis.host, port: redis.port, lazyConnect: false });
    const peer = new BullmqPeer(queue, sets);
    const marks = peer.marks;
    const noop = () => undefined;
    peer.worker = new Worker(
      QUEUE,
      async (job) => {
        const data = job.data as { p: string; i: number; g: string; u: string };
        switch (job.name) {
          case 'step':
            await marks.step(data.p, CHAIN[data.i]!, noop);
            if (data.i + 1 < CHAIN.length) await queue.add('step', { p: data.p, i: data.i + 1 });
            return;
          case 'up': {
            await marks.step(data.g, data.u, noop);
            const r = await sets.multi().sadd(`fanin:${data.g}`, data.u).scard(`fanin:${data.g}`).exec();
            const added = r?.[0]?.[1] === 1;
            if (added && r?.[1]?.[1] === UPSTREAMS.length) await queue.add('down', { g: data.g });
            return;
          }
          case 'down':
            await marks.step(data.g, DOWNSTREAM, noop);
            return;
          case 'noop':
            await marks.step(data.p, NOOP, noop);
            return;
          default:
            throw new Error(`unknown job ${job.name}`);
        }
      },
      { connection, concurrency },
    );
    await peer.worker.waitUntilReady();
    await queue.waitUntilReady();
    return peer;
  }

  protected async add(jobs: QueueJob[]): Promise<void> {
    await this.queue.addBulk(jobs);
  }

  /** Nothing waiting, active or delayed; a failed job stops the bench. */
  async idle(): Promise<void> {
    for (;;) {
      const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      if (c.failed) throw new Error(`BullMQ: ${c.failed} job(s) failed`);
      if (!c.waiting && !c.active && !c.delayed && !c.prioritized) return;
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.obliterate({ force: true }).catch(() => undefined);
    await this.queue.close();
    await this.sets.quit();
  }
}
