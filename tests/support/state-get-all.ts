// The contract of `StateTx.getAll`, shared by every state store's tests: documents of several
// collections in one call, one result per key in the order given (a repeated key repeats its result),
// undefined for a missing document, the transaction's own buffered writes overlaid, results that are
// copies, and later get/getMany of what it read seeing the same documents. Ids start `ga-` and the
// versions-like documents live in entity_hashes, so stores shared with other tests are not disturbed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { StateStore } from '../../engine/ports.js';

export function getAllContract(store: () => StateStore): void {
  it('getAll reads several collections at once, in the order of the keys, missing ones undefined, repeats repeated', async () => {
    const s = store();
    await s.transaction(async (tx) => {
      tx.set('leases', 'ga-p|1', { token: 'L' });
      tx.set('entity_hashes', 'ga-a|1', { asset: 'a', partition: '1', version: 3 });
      tx.set('pending', 'ga-p|1', { processor: 'p', tickets: [] });
    });
    const got = await s.transaction((tx) =>
      tx.getAll([
        { collection: 'entity_hashes', id: 'ga-a|1' },
        { collection: 'leases', id: 'ga-p|1' },
        { collection: 'attempts', id: 'ga-p|1' },
        { collection: 'entity_hashes', id: 'ga-a|1' },
        { collection: 'pending', id: 'ga-p|1' },
        { collection: 'entity_hashes', id: 'ga-nothing|here' },
      ]),
    );
    assert.deepEqual(got, [
      { asset: 'a', partition: '1', version: 3 }, { token: 'L' }, undefined, { asset: 'a', partition: '1', version: 3 }, { processor: 'p', tickets: [] }, undefined,
    ]);
    assert.notEqual(got[0], got[3], 'a repeated key gives a copy of its own');
    assert.deepEqual(await s.transaction((tx) => tx.getAll([])), []);
  });

  it('getAll sees the transaction’s own sets and deletes, and later reads see what it read', async () => {
    const s = store();
    await s.transaction(async (tx) => {
      tx.set('runs', 'ga-r1', { status: 'running' });
      tx.set('runs', 'ga-r2', { status: 'running' });
    });
    await s.transaction(async (tx) => {
      tx.set('runs', 'ga-r1', { status: 'succeeded' });
      tx.delete('runs', 'ga-r2');
      tx.set('runs', 'ga-r3', { status: 'new' });
      const got = await tx.getAll([{ collection: 'runs', id: 'ga-r3' }, { collection: 'runs', id: 'ga-r2' }, { collection: 'runs', id: 'ga-r1' }]);
      assert.deepEqual(got, [{ status: 'new' }, undefined, { status: 'succeeded' }]);
    });
    await s.transaction(async (tx) => {
      const [r1] = (await tx.getAll([{ collection: 'runs', id: 'ga-r1' }, { collection: 'leases', id: 'ga-none' }])) as [{ status: string }];
      r1.status = 'mutated by the caller';
      assert.deepEqual(await tx.get('runs', 'ga-r1'), { status: 'succeeded' }, 'results are copies: mutating one changes nothing');
      assert.deepEqual(await tx.getMany('runs', ['ga-r1', 'ga-r3']), [{ status: 'succeeded' }, { status: 'new' }]);
      assert.equal(await tx.get('leases', 'ga-none'), undefined);
      tx.set('leases', 'ga-none', { token: 'T' });
      assert.deepEqual(await tx.get('leases', 'ga-none'), { token: 'T' }, 'a write after the read wins over the read');
    });
  });
}
