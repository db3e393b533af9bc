// Where the local bus keeps messages it gave up on: `_pipeline.dead_letters` in the shared DuckDB
// file, so they survive the process and `pipeline` commands can list and replay them. The bus only
// sees the small DeadLetterStore interface.
import type { DeadLetter, WireMessage } from '../../ports.js';
import type { DuckDb } from './duckdb.js';

export interface DeadLetterStore {
  add(entry: DeadLetter & { messageId?: string }): Promise<void>;
  /** Oldest first; replayed ones only when asked. */
  list(opts?: { topic?: string; includeReplayed?: boolean }): Promise<DeadLetter[]>;
  markReplayed(ids: string[], at: number): Promise<void>;
}

const TABLE = '_pipeline.dead_letters';

const DDL = [
  'CREATE SCHEMA IF NOT EXISTS _pipeline',
  `CREATE TABLE IF NOT EXISTS ${TABLE} (id VARCHAR PRIMARY KEY, topic VARCHAR NOT NULL, message_id VARCHAR, ` +
    'message JSON NOT NULL, reason VARCHAR NOT NULL, attempts INTEGER NOT NULL, dead_at TIMESTAMP NOT NULL, replayed_at TIMESTAMP)',
];

const micros = (ms: number) => BigInt(Math.round(ms)) * 1000n;

export class DuckDbDeadLetterStore implements DeadLetterStore {
  constructor(private readonly db: DuckDb) {}

  private ready(): Promise<void> {
    return this.db.setup('dead_letters', DDL);
  }

  async add(entry: DeadLetter & { messageId?: string }): Promise<void> {
    await this.ready();
    await this.db.transaction(
      (conn) =>
        conn.run(`INSERT INTO ${TABLE} VALUES (?, ?, ?, ?::JSON, ?, ?, make_timestamp(?::BIGINT), NULL)`, [
          entry.id,
          entry.topic,
          entry.messageId ?? null,
          JSON.stringify(entry.message),
          entry.reason,
          entry.attempts,
          micros(entry.deadAt),
        ]),
      { lock: 'dead_letters' },
    );
  }

  async list(opts: { topic?: string; includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
    await this.ready();
    const conditions: string[] = [];
    const params: string[] = [];
    if (opts.topic !== undefined) {
      conditions.push('topic = ?');
      params.push(opts.topic);
    }
    if (!opts.includeReplayed) conditions.push('replayed_at IS NULL');
    const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.all(
      `SELECT id, topic, message, reason, attempts, epoch_ms(dead_at) AS dead_at, epoch_ms(replayed_at) AS replayed_at ` +
        `FROM ${TABLE}${where} ORDER BY dead_at, id`,
      params,
    );
    return rows.map((r) => {
      const dl: DeadLetter = {
        id: r.id as string,
        topic: r.topic as string,
        message: r.message as unknown as WireMessage,
        reason: r.reason as string,
        attempts: r.attempts as number,
        deadAt: r.dead_at as number,
      };
      if (r.replayed_at !== null) dl.replayedAt = r.replayed_at as number;
      return dl;
    });
  }

  async markReplayed(ids: string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.ready();
    await this.db.transaction(
      (conn) =>
        conn.run(`UPDATE ${TABLE} SET replayed_at = make_timestamp(?::BIGINT) WHERE id IN (${ids.map(() => '?').join(', ')})`, [
          micros(at),
          ...ids,
        ]),
      { lock: 'dead_letters' },
    );
  }
}
