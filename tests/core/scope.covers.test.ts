// Scope algebra the dedup and gates rely on: null is the whole partition and covers everything; a
// scope covers another of its kind when it holds all of its ids; changed-entity sets merge by kind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeChanged, mergeScopes, scopeCovers, scopeText } from '../../engine/core/scope.js';

const players = (...ids: string[]) => ({ kind: 'player', ids });

describe('scope: covering and merging', () => {
  it('the whole partition covers every scope; no scope covers the whole partition', () => {
    assert.equal(scopeCovers(null, players('lebron')), true);
    assert.equal(scopeCovers(null, null), true);
    assert.equal(scopeCovers(players('lebron'), null), false);
  });

  it('a scope covers a subset of its own kind only', () => {
    assert.equal(scopeCovers(players('curry', 'lebron'), players('lebron')), true);
    assert.equal(scopeCovers(players('lebron'), players('curry', 'lebron')), false);
    assert.equal(scopeCovers(players('g1'), { kind: 'game', ids: ['g1'] }), false);
  });

  it('merges scopes of one kind; different kinds merge to the whole partition', () => {
    assert.deepEqual(mergeScopes(players('lebron'), players('curry', 'lebron')), players('curry', 'lebron'));
    assert.equal(mergeScopes(players('lebron'), { kind: 'game', ids: ['g1'] }), null);
    assert.equal(mergeScopes(null, players('lebron')), null);
  });

  it('merges changed entities by kind; unknown (null) absorbs everything', () => {
    assert.deepEqual(mergeChanged({ player: ['lebron'] }, { player: ['curry'], team: ['LAL'] }), { player: ['curry', 'lebron'], team: ['LAL'] });
    assert.equal(mergeChanged(null, { player: ['lebron'] }), null);
  });

  it('prints a scope short enough for a log line', () => {
    assert.equal(scopeText(null), 'all');
    assert.equal(scopeText(players('a', 'b')), 'player:a,b');
    assert.equal(scopeText(players('a', 'b', 'c', 'd', 'e', 'f', 'g')), 'player:a,b,c,d,e,…(+2)');
  });
});
