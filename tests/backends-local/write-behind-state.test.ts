// The write-behind state store persists exactly what its memory holds: a seeded random sequence of
// transactions over a few documents — sets, deletes, a document set and deleted within one flush or
// one transaction, deleted and set again, transactions that throw — with flushes at random points and
// reopens of the file, checked against a model after every step (memory) and after every flush and
// reopen (disk). A flush appends documents new to disk and deletes only rows that exist; a wrong
// idea of which rows exist shows here as a lost update, a resurrected document or a failed flush.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDbStateStore } from '../../engine/backends/local/state-store.js';
import { WriteBehindStateStore } from '../../engine/backends/local/write-behind-state.js';
import type { Collection } from '../../engine/ports.js';
import { tempDir } from './fixtures.js';

const COLLECTIONS: Collection[] = ['runs', 'leases', 'outbox'];

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { next, int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

type Model = Map<string, Record<string, unknown>>;

function asModel(dump: Record<string, Record<string, unknown>>): Model {
  const m: Model = new Map();
  for (const [c, docs] of Object.entries(dump)) for (const [id, doc] of Object.entries(docs)) m.set(`${c}/${id}`, doc as Record<string, unknown>);
  return m;
}

const sorted = (m: Model) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('the write-behind state store', () => {
  const tmp = tempDir('write-behind-state');
  after(() => tmp.cleanup());

  for (const seed of [1, 2, 3]) {
    it(`persists what memory holds over 300 random transactions, flushes and reopens (seed ${seed})`, async () => {
      const r = rng(seed);
      const file = join(tmp.dir, `s${seed}.db`);
      let store = await WriteBehindStateStore.open(await DuckDbStateStore.open(file), { flushMs: 60_000 });
      const model: Model = new Map();
      let n = 0;
      const checkDisk = async (when: string) => {
        const disk = await DuckDbStateStore.open(file);
        try {
          assert.deepEqual(sorted(asModel(await disk.dumpAll())), sorted(model), `disk after ${when}`);
        } finally {
          await disk.close();
        }
      };
      for (let step = 0; step < 300; step++) {
        const roll = r.next();
        if (roll < 0.05) {
          await store.flush();
          await store.close();
          await checkDisk(`step ${step} (close)`);
          store = await WriteBehindStateStore.open(await DuckDbStateStore.open(file), { flushMs: 60_000 });
          continue;
        }
        if (roll < 0.2) {
          await store.flush();
          continue;
        }
        const ops = Array.from({ length: r.int(1, 4) }, () => ({ c: r.pick(COLLECTIONS), id: `d${r.int(0, 5)}`, del: r.next() < 0.4, v: ++n }));
        const fails = r.next() < 0.1;
        const p = store.transaction(async (tx) => {
          for (const o of ops) {
            if (o.del) tx.delete(o.c, o.id);
            else tx.set(o.c, o.id, { v: o.v, nested: { at: [o.v, String(o.v)] } });
          }
          if (fails) throw new Error('rolled back');
        });
        if (fails) {
          await assert.rejects(p, /rolled back/);
          continue;
        }
        await p;
        for (const o of ops) {
          if (o.del) model.delete(`${o.c}/${o.id}`);
          else model.set(`${o.c}/${o.id}`, { v: o.v, nested: { at: [o.v, String(o.v)] } });
        }
        for (const c of COLLECTIONS) {
          for (let i = 0; i <= 5; i++) assert.deepEqual(await store.get(c, `d${i}`), model.get(`${c}/d${i}`), `memory, step ${step}, ${c}/d${i}`);
        }
      }
      await store.close();
      await checkDisk('the last close');
    });
  }
});
