// scope.diffGroups: which entities a write changed, from per-entity-group content hashes. The first
// write changes everything (null); a rewrite reports only the groups whose hash moved; replace mode
// deletes the stored groups it did not write again (inside its scope only); upsert never deletes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffGroups, type EntityGroup } from '../../engine/core/scope.js';

const g = (hash: string, player: string, team = 'LAL'): EntityGroup => ({ hash, entities: { player, team } });
/** Stored: three players' groups. */
const stored = () => ({ lebron: g('h1', 'lebron'), davis: g('h2', 'davis'), curry: g('h3', 'curry', 'GSW') });
const whole = { mode: 'replace' as const, scope: null };

describe('scope.diffGroups', () => {
  it('reports everything (null) for the first write of a partition', () => {
    const next = { lebron: g('h1', 'lebron') };
    assert.deepEqual(diffGroups(undefined, next, whole), { changed: true, entities: null, merged: next });
  });

  it('reports no change for an identical rewrite', () => {
    const r = diffGroups(stored(), stored(), whole);
    assert.equal(r.changed, false);
    assert.deepEqual(r.entities, {});
    assert.deepEqual(r.merged, stored());
  });

  it('reports a changed group\'s entities of every kind', () => {
    const r = diffGroups(stored(), { ...stored(), curry: g('h3b', 'curry', 'GSW') }, whole);
    assert.equal(r.changed, true);
    assert.deepEqual(r.entities, { player: ['curry'], team: ['GSW'] });
  });

  it('reports a new group', () => {
    const r = diffGroups(stored(), { ...stored(), reaves: g('h4', 'reaves') }, whole);
    assert.deepEqual(r.entities, { player: ['reaves'], team: ['LAL'] });
  });

  it('replace: deletes stored groups the write left out, and reports them', () => {
    const { curry: _gone, ...rest } = stored();
    const r = diffGroups(stored(), rest, whole);
    assert.equal(r.changed, true);
    assert.deepEqual(r.entities, { player: ['curry'], team: ['GSW'] });
    assert.deepEqual(Object.keys(r.merged).sort(), ['davis', 'lebron']);
  });

  it('upsert: never deletes; only rewritten groups count', () => {
    const r = diffGroups(stored(), { lebron: g('h1b', 'lebron') }, { mode: 'upsert', scope: null });
    assert.deepEqual(r.entities, { player: ['lebron'], team: ['LAL'] });
    assert.deepEqual(Object.keys(r.merged).sort(), ['curry', 'davis', 'lebron']);
    assert.equal(r.merged.lebron!.hash, 'h1b');
  });

  it('scoped replace: deletes left-out groups inside the scope, keeps the ones outside it', () => {
    const r = diffGroups(stored(), { lebron: g('h1', 'lebron') }, { mode: 'replace', scope: { kind: 'player', ids: ['lebron', 'davis'] } });
    assert.deepEqual(r.entities, { player: ['davis'], team: ['LAL'] }, 'davis was in scope and not rewritten; curry was out of scope');
    assert.deepEqual(Object.keys(r.merged).sort(), ['curry', 'lebron']);
  });

  it('leaves entity kinds without an id out of the report', () => {
    const r = diffGroups({}, { x: { hash: 'h', entities: { player: 'lebron', team: '' } } }, whole);
    assert.deepEqual(r.entities, { player: ['lebron'] });
  });
});
