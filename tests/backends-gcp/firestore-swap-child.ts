// A process that dies inside a state update, for firestore-swap.test.ts: it opens the Firestore
// state store (FIRESTORE_EMULATOR_HOST, PROJECT from the environment), starts a `swap` (MODE=swap) or
// a `transaction` (MODE=transaction) on leases/L, prints READ once it has read the document, and then
// never finishes, so the parent's SIGKILL lands between the read and the write.
import { writeSync } from 'node:fs';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';

const state = new FirestoreStateStore({ projectId: process.env.PROJECT! });
if (process.env.MODE === 'transaction') {
  await state.transaction(async (tx) => {
    await tx.get('leases', 'L');
    writeSync(1, 'READ\n');
    await new Promise(() => undefined);
  });
} else {
  await state.swap('leases', 'L', () => {
    writeSync(1, 'READ\n');
    for (;;); // fn is synchronous: spin until killed
  });
}
