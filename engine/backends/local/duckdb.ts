// The shared DuckDB handle used by the local warehouse, state store and dead-letter queue.
//
// Owns: one DuckDB instance per database file in this process (DuckDB happily opens the same file
// twice in one process as two independent databases that overwrite each other, so every opener of a
// path gets a reference to the same instance, closed with its last user); a pool of connections;
// transactions on a connection of their own (a shared connection would let another task's statements
// fall into our BEGIN/ROLLBACK); retry of DuckDB's optimistic-concurrency conflicts with jittered
// backoff; and named in-process write locks shared by every user of the file.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { KeyedMutex } from './keyed-mutex.js';
import { errorMessage, plainConverter, type Plain } from './duckdb-values.js';

export type SqlParam = DuckDBValue;
export type PlainRow = Record<string, Plain>;

/** Statements executed through this file's handles (all users together). */
export interface DbCounters {
  statements: number;
  transactions: number;
  conflictRetries: number;
}

export interface TransactionOptions {
  /** Serialize with every other transaction holding the same lock name (in this process). */
  lock?: string;
  /** Attempts before a conflict error is given up (default 20). */
  maxAttempts?: number;
}

const MAX_IDLE_CONNECTIONS = 8;

/** A connection checked out of the pool; statements return plain JavaScript values. */
export class DuckConn {
  constructor(
    readonly raw: DuckDBConnection,
    private readonly counters: DbCounters,
  ) {}

  /** Run a query and return its rows as plain objects. */
  async all(sql: string, params: SqlParam[] = []): Promise<PlainRow[]> {
    this.counters.statements++;
    const reader = await this.raw.runAndReadAll(sql, params);
    // Convert with the result's column types: the per-chunk types the reader's own converters see
    // have lost the JSON alias, and JSON columns must come back parsed.
    const names = reader.deduplicatedColumnNames();
    const types = reader.columnTypes();
    return reader.getRows().map((values) => {
      const row: PlainRow = {};
      values.forEach((v, i) => (row[names[i]!] = plainConverter(v, types[i]!, plainConverter)));
      return row;
    });
  }

  /** Run a statement and return the number of rows it changed. */
  async run(sql: string, params: SqlParam[] = []): Promise<number> {
    this.counters.statements++;
    const result = await this.raw.run(sql, params);
    return result.rowsChanged;
  }

  /**
   * Rows into a new temporary table with the appender (no SQL per row, no statement whose text grows
   * with the rows), `fn` run with its name, the table dropped after. `columns` is its column list DDL.
   */
  async staged<T>(columns: string, append: (appender: DuckDBAppender) => void, fn: (table: string) => Promise<T>): Promise<T> {
    const table = `stage_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    await this.run(`CREATE TEMP TABLE ${table} (${columns})`);
    try {
      const appender = await this.raw.createAppender(table, 'main', 'temp');
      try {
        append(appender);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      return await fn(table);
    } finally {
      // After a failed statement the transaction is aborted and rolls the temp table back anyway;
      // an error here must not hide the one that matters (conflicts are retried by their message).
      await this.run(`DROP TABLE IF EXISTS temp.main.${table}`).catch(() => undefined);
    }
  }

  /** First column of the first row (e.g. a count). */
  async scalar(sql: string, params: SqlParam[] = []): Promise<Plain> {
    const rows = await this.all(sql, params);
    const first = rows[0];
    return first === undefined ? null : (Object.values(first)[0] ?? null);
  }
}

/** What every reference to one database file shares. */
class SharedDatabase {
  refs = 0;
  readonly idle: DuckDBConnection[] = [];
  readonly locks = new KeyedMutex();
  readonly counters: DbCounters = { statements: 0, transactions: 0, conflictRetries: 0 };
  /** Setup steps already done on this file (see DuckDb.setup). */
  readonly setups = new Map<string, Promise<void>>();
  constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
  ) {}
}

const openDatabases = new Map<string, Promise<SharedDatabase>>();

/**
 * DuckDB's optimistic concurrency control fails the later of two transactions that wrote the same
 * row ("Conflict on update!", "Conflict on tuple deletion!", "Catalog write-write conflict") or that
 * inserted the same new key (caught at commit as a constraint violation). Both are worth a retry.
 */
export function isConflictError(err: unknown): boolean {
  const msg = errorMessage(err);
  return /TransactionContext Error/i.test(msg) && /conflict|Failed to commit/i.test(msg);
}

/** Open (creating the file and its parent folders on first use) a reference to a database file. */
export async function openDuckDb(file: string): Promise<DuckDb> {
  if (file === ':memory:') {
    // Each in-memory database is private, so it is never shared.
    const shared = new SharedDatabase(file, await DuckDBInstance.create(':memory:'));
    shared.refs = 1;
    return new DuckDb(shared, () => undefined);
  }
  const path = resolve(file);
  let pending = openDatabases.get(path);
  if (!pending) {
    pending = (async () => {
      mkdirSync(dirname(path), { recursive: true });
      try {
        return new SharedDatabase(path, await DuckDBInstance.create(path));
      } catch (err) {
        const msg = errorMessage(err);
        const hint = /lock/i.test(msg) ? ' — another process has this file open; a DuckDB file serves one process at a time' : '';
        throw new Error(`cannot open DuckDB file ${path}: ${msg}${hint}`);
      }
    })();
    openDatabases.set(path, pending);
    pending.catch(() => openDatabases.delete(path));
  }
  const shared = await pending;
  shared.refs++;
  return new DuckDb(shared, () => openDatabases.delete(path));
}

/** One reference to a shared database file; `close()` releases this reference only. */
export class DuckDb {
  private closed = false;

  constructor(
    private readonly shared: SharedDatabase,
    private readonly forget: () => void,
  ) {}

  get path(): string {
    return this.shared.path;
  }

  get counters(): Readonly<DbCounters> {
    return this.shared.counters;
  }

  /** Check a connection out of the pool for the duration of `fn` (auto-commit statements). */
  async withConnection<T>(fn: (conn: DuckConn) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`database ${this.path} is closed`);
    const raw = this.shared.idle.pop() ?? (await this.shared.instance.connect());
    try {
      return await fn(new DuckConn(raw, this.shared.counters));
    } finally {
      if (this.shared.refs > 0 && this.shared.idle.length < MAX_IDLE_CONNECTIONS) this.shared.idle.push(raw);
      else raw.closeSync();
    }
  }

  /**
   * Run `fn` in a transaction on a connection of its own: BEGIN, fn, COMMIT — ROLLBACK and rethrow
   * when fn throws. On a conflict the whole transaction (fn included) runs again after a jittered
   * backoff, so fn must not have effects outside the database.
   */
  async transaction<T>(fn: (conn: DuckConn) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const maxAttempts = opts.maxAttempts ?? 20;
    const attempt = () =>
      this.withConnection(async (conn) => {
        await conn.run('BEGIN TRANSACTION');
        try {
          const out = await fn(conn);
          await conn.run('COMMIT');
          return out;
        } catch (err) {
          // A failed COMMIT has already ended the transaction; ROLLBACK then has nothing to do.
          await conn.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    const withRetry = async (): Promise<T> => {
      for (let n = 1; ; n++) {
        this.shared.counters.transactions++;
        try {
          return await attempt();
        } catch (err) {
          if (!isConflictError(err) || n >= maxAttempts) throw err;
          this.shared.counters.conflictRetries++;
          const ceiling = Math.min(200, 2 * 2 ** n);
          await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
        }
      }
    };
    return opts.lock === undefined ? withRetry() : this.shared.locks.run(opts.lock, withRetry);
  }

  /**
   * Run DDL once per file and process (memoized by `key`, retried if it failed), serialized with
   * all other DDL so that two modules creating the `_pipeline` schema at once do not conflict.
   */
  setup(key: string, statements: string[]): Promise<void> {
    let done = this.shared.setups.get(key);
    if (!done) {
      done = this.transaction(
        async (conn) => {
          for (const sql of statements) await conn.run(sql);
        },
        { lock: 'ddl' },
      );
      this.shared.setups.set(key, done);
      done.catch(() => this.shared.setups.delete(key));
    }
    return done;
  }

  /** Run `fn` holding a named lock shared by every user of this file (no transaction). */
  exclusive<T>(lock: string, fn: () => Promise<T>): Promise<T> {
    return this.shared.locks.run(lock, fn);
  }

  /** A read (or single auto-commit statement) on a pooled connection. */
  all(sql: string, params: SqlParam[] = []): Promise<PlainRow[]> {
    return this.withConnection((conn) => conn.all(sql, params));
  }

  run(sql: string, params: SqlParam[] = []): Promise<number> {
    return this.withConnection((conn) => conn.run(sql, params));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const shared = this.shared;
    if (--shared.refs > 0) return;
    this.forget();
    for (const conn of shared.idle.splice(0)) conn.closeSync();
    shared.instance.closeSync();
  }
}
