// Entity scopes: which entities a run covers, derived from the changed entities of the event that
// triggered it, and the changed-entity set of a write, derived from per-entity content hashes.
import type { ProcessorPlan } from '../spec/plan.js';
import type { ChangedEntities, Scope } from './types.js';

/** The scope a processor runs with for these changed entities: its first declared kind present. */
export function scopeFor(p: ProcessorPlan, changed: ChangedEntities | null): Scope | null {
  if (!changed || p.scopes.length === 0) return null;
  for (const kind of p.scopes) {
    const ids = changed[kind];
    if (ids && ids.length) return { kind, ids: [...new Set(ids)].sort() };
  }
  return null;
}

/** Is `inner` covered by `outer`? null (the whole partition) covers everything. */
export function scopeCovers(outer: Scope | null, inner: Scope | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  if (outer.kind !== inner.kind) return false;
  const set = new Set(outer.ids);
  return inner.ids.every((id) => set.has(id));
}

export function mergeScopes(a: Scope | null, b: Scope | null): Scope | null {
  if (a === null || b === null || a.kind !== b.kind) return null;
  return { kind: a.kind, ids: [...new Set([...a.ids, ...b.ids])].sort() };
}

export function scopeText(s: Scope | null): string {
  if (!s) return 'all';
  const shown = s.ids.slice(0, 5).join(',');
  return `${s.kind}:${shown}${s.ids.length > 5 ? `,…(+${s.ids.length - 5})` : ''}`;
}

/** One entity group of written rows: its content hash and the entity ids it carries. */
export interface EntityGroup {
  hash: string;
  entities: Record<string, string>;
}

export function mergeChanged(a: ChangedEntities | null, b: ChangedEntities | null): ChangedEntities | null {
  if (a === null || b === null) return null;
  const out: ChangedEntities = {};
  for (const src of [a, b]) for (const [k, ids] of Object.entries(src)) out[k] = [...new Set([...(out[k] ?? []), ...ids])].sort();
  return out;
}

/**
 * Compare the groups a run wrote with the stored ones. `previous` undefined = first write of the
 * partition (everything changed: null). A scoped replace only compares groups inside the scope.
 */
export function diffGroups(
  previous: Record<string, EntityGroup> | undefined,
  next: Record<string, EntityGroup>,
  opts: { mode: 'replace' | 'upsert'; scope: Scope | null },
): { changed: boolean; entities: ChangedEntities | null; merged: Record<string, EntityGroup> } {
  if (!previous) return { changed: true, entities: null, merged: next };
  const inScope = (g: EntityGroup) => !opts.scope || opts.scope.ids.includes(g.entities[opts.scope.kind] ?? '');
  const merged: Record<string, EntityGroup> = {};
  const changedGroups: EntityGroup[] = [];
  for (const [k, g] of Object.entries(previous)) {
    if (opts.mode === 'replace' && inScope(g) && !(k in next)) changedGroups.push(g);
    else merged[k] = g;
  }
  for (const [k, g] of Object.entries(next)) {
    if (previous[k]?.hash !== g.hash) changedGroups.push(g);
    merged[k] = g;
  }
  const entities: ChangedEntities = {};
  for (const g of changedGroups) for (const [kind, id] of Object.entries(g.entities)) if (id !== '') (entities[kind] ??= []).push(id);
  for (const k of Object.keys(entities)) entities[k] = [...new Set(entities[k])].sort();
  return { changed: changedGroups.length > 0, entities, merged };
}
