// The feature vector of one ml_feature_store_v2 row, looked up by name: `feature_names` and
// `features` are parallel JSON arrays (a feature store that writes an object of name → value is
// accepted too). A feature missing or null reads as null, and the systems fall back per feature.
import { num } from '../values.js';
import type { FeatureVector } from './types.js';

export function featureVector(names: unknown, values: unknown): FeatureVector {
  const byName = new Map<string, number | null>();
  if (Array.isArray(names) && Array.isArray(values)) {
    names.forEach((n, i) => {
      if (typeof n === 'string') byName.set(n, num(values[i]));
    });
  } else if (values && typeof values === 'object' && !Array.isArray(values)) {
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) byName.set(k, num(v));
  }
  return {
    get: (name) => byName.get(name) ?? null,
    has: (name) => byName.get(name) !== undefined && byName.get(name) !== null,
  };
}

/** The first of these features that is present. */
export function firstOf(f: FeatureVector, ...names: string[]): number | null {
  for (const n of names) {
    const v = f.get(n);
    if (v !== null) return v;
  }
  return null;
}

/** L5 / L10 / season points with fallbacks to each other; null when none is present. */
export function recentPoints(f: FeatureVector): { l5: number; l10: number; season: number } | null {
  const l5 = f.get('points_avg_last_5');
  const l10 = f.get('points_avg_last_10');
  const season = f.get('points_avg_season');
  const any = l5 ?? l10 ?? season;
  if (any === null) return null;
  return { l5: l5 ?? l10 ?? any, l10: l10 ?? l5 ?? any, season: season ?? l10 ?? any };
}
