// The embedded default backends: one DuckDB file (warehouse tables, execution log, orchestration
// state, dead letters) shared through one handle, objects and documents as files under the same
// folder, and the in-process bus. `openLocalBackends()` is what `pipeline run/serve` use locally.
import { join, resolve } from 'node:path';
import type { RunnerId } from '../../core/types.js';
import type { Backends, Clock } from '../../ports.js';
import { InProcessBus, type LocalBusOptions } from './bus.js';
import { systemClock } from './clock.js';
import { DuckDbDeadLetterStore } from './dead-letters.js';
import { FsDocumentStore } from './document-store.js';
import { openDuckDb, type DuckDb } from './duckdb.js';
import { FsObjectStore } from './object-store.js';
import { DuckDbStateStore } from './state-store.js';
import { WriteBehindStateStore } from './write-behind-state.js';
import { DuckDbWarehouse } from './warehouse.js';
import { WriteBehindWarehouse } from './write-behind-warehouse.js';

export { InProcessBus, type LocalBusOptions } from './bus.js';
export { ManualClock, systemClock } from './clock.js';
export { DuckDbDeadLetterStore, type DeadLetterStore } from './dead-letters.js';
export { FsDocumentStore } from './document-store.js';
export { DuckDb, DuckConn, isConflictError, openDuckDb, type DbCounters } from './duckdb.js';
export { FsObjectStore } from './object-store.js';
export { DuckDbStateStore } from './state-store.js';
export { WriteBehindStateStore } from './write-behind-state.js';
export { DuckDbWarehouse, type WarehouseCounters } from './warehouse.js';
export { WriteBehindWarehouse, type WriteBehindCounters } from './write-behind-warehouse.js';

export interface LocalBackendsOptions {
  /** Folder of everything local: the DuckDB file, objects/, object-meta/, documents/ (default `.pipeline`). */
  dir?: string;
  /** The DuckDB file (default `<dir>/local.duckdb`). */
  file?: string;
  bus?: LocalBusOptions;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * `batched` (default): state and table partitions in memory, persisted to DuckDB together every few
   * ms (write-behind-state.ts, write-behind-warehouse.ts); `strict`: every state transaction and every
   * table write committed to DuckDB before it returns. Env PIPELINE_LOCAL_DURABILITY.
   */
  durability?: 'batched' | 'strict';
  /** The runner owning this process's queue: given, the bus records its messages until they are handled (see bus.ts). */
  runner?: RunnerId;
}

/** The local backends with their concrete types (the runtime needs `bus.subscribe`, tests the rest). */
export interface LocalBackends extends Backends {
  kind: 'local';
  dir: string;
  db: DuckDb;
  bus: InProcessBus;
  state: DuckDbStateStore | WriteBehindStateStore;
  warehouse: DuckDbWarehouse | WriteBehindWarehouse;
  objects: FsObjectStore;
  documents: FsDocumentStore;
}

export async function openLocalBackends(opts: LocalBackendsOptions = {}): Promise<LocalBackends> {
  const dir = resolve(opts.dir ?? '.pipeline');
  const db = await openDuckDb(opts.file ?? join(dir, 'local.duckdb'));
  const durability = opts.durability ?? (process.env.PIPELINE_LOCAL_DURABILITY === 'strict' ? 'strict' : 'batched');
  const state = durability === 'strict' ? new DuckDbStateStore(db) : await WriteBehindStateStore.open(new DuckDbStateStore(db));
  const bus = new InProcessBus(new DuckDbDeadLetterStore(db), opts.bus, opts.runner ? { state, runner: opts.runner } : undefined);
  let warehouse: DuckDbWarehouse | WriteBehindWarehouse = new DuckDbWarehouse(db);
  if (state instanceof WriteBehindStateStore) {
    const behind = new WriteBehindWarehouse(warehouse, state);
    state.join(behind);
    warehouse = behind;
  }
  let closed = false;
  return {
    kind: 'local',
    dir,
    db,
    bus,
    state,
    warehouse,
    objects: new FsObjectStore(dir),
    documents: new FsDocumentStore(dir),
    clock: opts.clock ?? systemClock,
    async close() {
      if (closed) return;
      closed = true;
      // The bus first: deliveries in flight may still write state or dead letters.
      await bus.close();
      await state.close();
      await warehouse.close();
      await db.close();
    },
  };
}
