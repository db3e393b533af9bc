// In-memory backends: deterministic, for dry runs and scenario tests.
import type { Backends, Clock } from '../../ports.js';
import { MemoryBus } from './bus.js';
import { MemoryStateStore } from './state-store.js';
import { MemoryDocumentStore, MemoryObjectStore, MemoryWarehouse } from './stores.js';

/** A clock that only moves when told (dry runs stand still; tests advance it). */
export class FixedClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

export interface MemoryBackends extends Backends {
  bus: MemoryBus;
  state: MemoryStateStore;
  warehouse: MemoryWarehouse;
  objects: MemoryObjectStore;
  documents: MemoryDocumentStore;
  clock: FixedClock;
}

export function openMemoryBackends(opts: { now?: number; seed?: Record<string, Record<string, unknown>>; maxDeliveries?: number } = {}): MemoryBackends {
  const clock = new FixedClock(opts.now ?? Date.parse('2025-01-01T00:00:00Z'));
  return {
    kind: 'local',
    bus: new MemoryBus({ maxDeliveries: opts.maxDeliveries }),
    state: new MemoryStateStore(opts.seed),
    warehouse: new MemoryWarehouse(),
    objects: new MemoryObjectStore(() => clock.now()),
    documents: new MemoryDocumentStore(),
    clock,
    async close() {},
  };
}

export { MemoryBus, MemoryStateStore, MemoryWarehouse, MemoryObjectStore, MemoryDocumentStore };
