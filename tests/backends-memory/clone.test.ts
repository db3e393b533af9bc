// The stores' copy of documents and rows: equal to what structuredClone gives, sharing nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloneValue } from '../../engine/backends/clone.js';

describe('cloneValue', () => {
  const samples: unknown[] = [
    null, undefined, 0, -0, NaN, 'x', true, 12n,
    { a: 1, b: [1, { c: 'd' }, null], e: { f: { g: undefined } } },
    [[1, 2], [], [{}]],
    { at: new Date('2025-01-02T03:04:05Z'), m: new Map([['k', { v: 1 }]]), bytes: new Uint8Array([1, 2]) },
    Object.assign(Object.create(null), { bare: { x: 1 } }),
  ];
  for (const v of samples) {
    it(`copies ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v)} like structuredClone`, () => {
      const copy = cloneValue(v);
      assert.deepEqual(copy, structuredClone(v));
      if (typeof v === 'object' && v !== null) assert.notEqual(copy, v);
    });
  }

  it('shares no nested object with the original', () => {
    const doc = { tickets: [{ id: 't1', at: 1 }], nested: { deep: { list: [1] } }, when: new Date(0) };
    const copy = cloneValue(doc);
    copy.tickets[0]!.id = 'changed';
    copy.nested.deep.list.push(2);
    copy.when.setTime(5);
    assert.deepEqual(doc, { tickets: [{ id: 't1', at: 1 }], nested: { deep: { list: [1] } }, when: new Date(0) });
  });

  it('refuses a function, as structuredClone does', () => {
    assert.throws(() => cloneValue({ f: () => 1 }), /could not be cloned/);
  });
});
