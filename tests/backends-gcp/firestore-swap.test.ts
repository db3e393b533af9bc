// StateStore.swap on the real Firestore emulator: a compare-and-set of one document with no lock held
// between its read and its write. What it must do (create, replace the whole document, write nothing,
// no lost update under contention with swaps and transactions), and why it exists: a process
// SIGKILLed between the read and the write leaves the document free for the next writer at once,
// where a transaction killed at the same point leaves it locked for about a minute (measured on the
// emulator: a contending transaction fails "Transaction lock timeout" after ~21 s of retries, and a
// plain write waits ~60 s) — which is how a runner killed during its lease heartbeat kept the
// reconciler from reclaiming the lease.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import { firestoreTestOptions, startFirestoreEmulator } from '../harness/firestore-emulator.js';
import type { RunningEmulator } from '../harness/emulator-process.js';

const CHILD = fileURLToPath(new URL('./firestore-swap-child.ts', import.meta.url));

interface Lease {
  token: string;
  expiresAt: number;
  note?: string;
  [k: string]: unknown;
}

describe('StateStore.swap on the Firestore emulator', firestoreTestOptions(), () => {
  let emu: RunningEmulator;
  const clients: Firestore[] = [];
  let projects = 0;
  /** A store on a project of its own: a document left locked by one test cannot slow another. */
  const store = (opts: { maxAttempts?: number } = {}) => {
    const firestore = new Firestore({ projectId: `test-swap-${++projects}` });
    clients.push(firestore);
    return new FirestoreStateStore({ firestore, ...opts });
  };

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    emu = await startFirestoreEmulator();
    process.env.FIRESTORE_EMULATOR_HOST = emu.host;
  });
  after(async () => {
    for (const c of clients) await c.terminate();
    await emu?.stop();
  });

  it('creates a missing document, replaces the whole document, and writes nothing when fn says so', async () => {
    const state = store();
    assert.deepEqual(await state.swap<Lease>('leases', 'p|d', (cur) => (assert.equal(cur, undefined), { token: 'a', expiresAt: 1, note: 'x', 'dotted.key': 1 })), { token: 'a', expiresAt: 1, note: 'x', 'dotted.key': 1 });
    assert.deepEqual(await state.get('leases', 'p|d'), { token: 'a', expiresAt: 1, note: 'x', 'dotted.key': 1 });
    // A field the new document drops is gone; a dotted key is one field, not a path.
    const written = await state.swap<Lease>('leases', 'p|d', (cur) => ({ token: cur!.token, expiresAt: cur!.expiresAt + 1, 'dotted.key': 2 }));
    assert.deepEqual(written, { token: 'a', expiresAt: 2, 'dotted.key': 2 });
    assert.deepEqual(await state.get('leases', 'p|d'), { token: 'a', expiresAt: 2, 'dotted.key': 2 });
    assert.equal(await state.swap<Lease>('leases', 'p|d', () => undefined), undefined);
    assert.equal(await state.swap<Lease>('leases', 'none', () => undefined), undefined);
    assert.equal(await state.get('leases', 'none'), undefined);
    assert.deepEqual(await state.get('leases', 'p|d'), { token: 'a', expiresAt: 2, 'dotted.key': 2 });
  });

  it('loses no update when swaps and transactions change one document at once (fn runs again on a change)', async () => {
    const state = store({ maxAttempts: 100 });
    await state.transaction(async (tx) => tx.set('gate_fires', 'g|d', { count: 0 }));
    let calls = 0;
    await Promise.all([
      ...Array.from({ length: 6 }, () => state.swap<{ count: number }>('gate_fires', 'g|d', (cur) => (calls++, { count: cur!.count + 1 }))),
      ...Array.from({ length: 4 }, () =>
        state.transaction(async (tx) => {
          const doc = await tx.get<{ count: number }>('gate_fires', 'g|d');
          tx.set('gate_fires', 'g|d', { count: doc!.count + 1 });
        }),
      ),
    ]);
    assert.deepEqual(await state.get('gate_fires', 'g|d'), { count: 10 });
    assert.ok(calls > 6, `concurrent swaps saw changed documents and ran fn again (${calls} calls for 6 swaps)`);
  });

  it('two swaps creating one missing document: one creates, the other runs again on what it created', async () => {
    const state = store({ maxAttempts: 20 });
    const seen: Array<number | undefined> = [];
    await Promise.all([1, 2].map(() => state.swap<{ count: number }>('gate_fires', 'new|d', (cur) => (seen.push(cur?.count), { count: (cur?.count ?? 0) + 1 }))));
    assert.deepEqual(await state.get('gate_fires', 'new|d'), { count: 2 });
  });

  async function killedInside(mode: 'swap' | 'transaction', projectId: string): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, PROJECT: projectId, MODE: mode },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('READ') && resolve());
      void exited.then(() => reject(new Error(`the child exited before reading: ${err}`)));
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  }

  it('a process SIGKILLed between the read and the write of its swap leaves the document writable at once', { timeout: 60_000 }, async () => {
    const firestore = new Firestore({ projectId: 'test-swap-killed' });
    clients.push(firestore);
    // Two attempts only: a document left locked fails this in seconds rather than waiting out the lock.
    const state = new FirestoreStateStore({ firestore, maxAttempts: 2 });
    await state.transaction(async (tx) => tx.set('leases', 'L', { token: 'dead', expiresAt: 0 }));
    await killedInside('swap', 'test-swap-killed');
    const t0 = Date.now();
    // What the reconciler does with an expired lease: take it in a transaction.
    await state.transaction(async (tx) => {
      assert.equal((await tx.get<Lease>('leases', 'L'))?.token, 'dead');
      tx.delete('leases', 'L');
    });
    assert.equal(await state.get('leases', 'L'), undefined);
    console.log(`reclaimed ${Date.now() - t0} ms after the kill`);
  });
});
