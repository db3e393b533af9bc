// graphile-worker under the peer workloads, in this process, on the bench's own PostgreSQL. It has no
// DAG, so the job code does what a user would write: a chain step adds the next step's job after its
// code returns; a fan-in upstream records itself in a set row and, in the same transaction, the one
// whose insert completes the set of five adds the downstream job (the row lock makes that transition
// happen exactly once, however many duplicates run, and never before all five).
import { Logger, makeWorkerUtils, run, type Runner, type TaskList, type WorkerUtils } from 'graphile-worker';
import { QueuePeer, type QueueJob } from './queue-peer.js';
import { CHAIN, DOWNSTREAM, NOOP, UPSTREAMS } from './workloads.js';

const quiet = new Logger(() => () => undefined);

const FANIN_TABLE = `CREATE TABLE IF NOT EXISTS bench_fanin (g text PRIMARY KEY, done text[] NOT NULL)`;
// Returns a row only when this upstream was new to the set; n = 5 means this one completed it.
const FANIN_RECORD = `INSERT INTO bench_fanin AS f (g, done) VALUES ($1, ARRAY[$2::text])
  ON CONFLICT (g) DO UPDATE SET done = array_append(f.done, $2::text) WHERE NOT ($2::text = ANY (f.done))
  RETURNING cardinality(done) AS n`;

export class GraphilePeer extends QueuePeer {
  readonly name = 'graphile-worker';
  private runner: Runner | undefined;
  private constructor(private readonly utils: WorkerUtils) {
    super();
  }

  static async open(connectionString: string, concurrency: number): Promise<GraphilePeer> {
    const utils = await makeWorkerUtils({ connectionString, logger: quiet });
    await utils.migrate();
    await utils.withPgClient((c) => c.query(FANIN_TABLE));
    const peer = new GraphilePeer(utils);
    const marks = peer.marks;
    const noop = () => undefined;
    const taskList: TaskList = {
      step: async (payload, helpers) => {
        const { p, i } = payload as { p: string; i: number };
        await marks.step(p, CHAIN[i]!, noop);
        if (i + 1 < CHAIN.length) await helpers.addJob('step', { p, i: i + 1 });
      },
      up: async (payload, helpers) => {
        const { g, u } = payload as { g: string; u: string };
        await marks.step(g, u, noop);
        await helpers.withPgClient(async (c) => {
          await c.query('BEGIN');
          try {
            const r = await c.query<{ n: number }>(FANIN_RECORD, [g, u]);
            if (r.rows[0]?.n === UPSTREAMS.length) await c.query(`SELECT graphile_worker.add_job('down', json_build_object('g', $1::text))`, [g]);
            await c.query('COMMIT');
          } catch (e) {
            await c.query('ROLLBACK');
            throw e;
          }
        });
      },
      down: async (payload) => {
        await marks.step((payload as { g: string }).g, DOWNSTREAM, noop);
      },
      noop: async (payload) => {
        await marks.step((payload as { p: string }).p, NOOP, noop);
      },
    };
    peer.runner = await run({ connectionString, concurrency, noHandleSignals: true, logger: quiet, taskList });
    return peer;
  }

  protected async add(jobs: QueueJob[]): Promise<void> {
    await this.utils.addJobs(jobs.map((j) => ({ identifier: j.name, payload: j.data })));
  }

  /** No job left in the queue (graphile-worker deletes a job when it completes); a failed job stops the bench. */
  async idle(): Promise<void> {
    for (;;) {
      const r = await this.utils.withPgClient((c) => c.query<{ n: string; err: string | null }>('SELECT count(*) AS n, max(last_error) AS err FROM graphile_worker.jobs'));
      if (r.rows[0]!.err) throw new Error(`graphile-worker: a job failed: ${r.rows[0]!.err}`);
      if (Number(r.rows[0]!.n) === 0) return;
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  async close(): Promise<void> {
    await this.runner?.stop();
    await this.utils.release();
  }
}
