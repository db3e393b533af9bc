// Edges of entity scopes found by mutation testing (engine/core/scope.ts; TESTING.md): merging with the
// whole partition, the text of exactly five ids, changed ids in order whatever order the groups came
// in, and a group without the scope's entity kind outside a scoped replace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffGroups, mergeScopes, scopeText } from '../../engine/core/scope.js';

describe('scopes: edges', () => {
  it('a scope merged with the whole partition (null) is the whole partition, either way round', () => {
    const s = { kind: 'player', ids: ['a'] };
    assert.equal(mergeScopes(s, null), null);
    assert.equal(mergeScopes(null, s), null);
  });

  it('shows up to five ids in full, and counts the rest beyond five', () => {
    assert.equal(scopeText({ kind: 'player', ids: ['a', 'b', 'c', 'd', 'e'] }), 'player:a,b,c,d,e');
    assert.equal(scopeText({ kind: 'player', ids: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'player:a,b,c,d,e,…(+1)');
  });

  it('lists the changed ids of each kind sorted and once, whatever order the groups were written in', () => {
    const g = (hash: string, player: string, team: string) => ({ hash, entities: { player, team } });
    const previous = { x: g('1', 'zed', 'NYK'), y: g('1', 'amy', 'BOS') };
    const r = diffGroups(previous, { x: g('2', 'zed', 'NYK'), y: g('2', 'amy', 'NYK'), z: g('1', 'mo', 'BOS') }, { mode: 'upsert', scope: null });
    assert.deepEqual(r.entities, { player: ['amy', 'mo', 'zed'], team: ['BOS', 'NYK'] });
  });

  it('a scoped replace keeps a group that has no entity of the scope kind', () => {
    const previous = { t: { hash: '1', entities: { team: 'BOS' } }, p: { hash: '1', entities: { player: 'amy' } } };
    const r = diffGroups(previous, {}, { mode: 'replace', scope: { kind: 'player', ids: ['amy'] } });
    assert.deepEqual(Object.keys(r.merged), ['t']);
    assert.deepEqual(r.entities, { player: ['amy'] });
  });
});
