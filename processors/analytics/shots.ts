// Field-goal attempts by zone from play-by-play: nba.com first, BigDataBall for the games nba.com
// lacks. Zones: paint = 2-pointers from 8 ft or closer, mid-range = other 2-pointers, three.
// The raw feeds name events differently (nba.com '2pt'/'3pt'/'freethrow', BigDataBall 'shot'/'miss'/
// 'free throw'), so classification looks at the zone, the event type and the distance, in that order.
import type { BigDataBallPlayByPlayRow, NbacPlayByPlayRow } from './raw-tables.js';

export type Zone = 'paint' | 'mid' | 'three';
export const ZONES: readonly Zone[] = ['paint', 'mid', 'three'];

/** A field-goal attempt from either feed. */
export interface Shot {
  gameId: string;
  team: string | null;
  player: string | null;
  zone: Zone;
  made: boolean;
}

export type ZoneCounts = Record<Zone, { fga: number; fgm: number }>;

export const emptyZones = (): ZoneCounts => ({ paint: { fga: 0, fgm: 0 }, mid: { fga: 0, fgm: 0 }, three: { fga: 0, fgm: 0 } });

const PAINT_MAX_FT = 8;
const THREE_MIN_FT = 22;
const FREE_THROW = /free.?throw|^ft$/i;
const FIELD_GOAL = /^(2pt|3pt|shot|miss|made.?shot|missed.?shot|field.?goal|fg|fga|jump.?shot|layup|dunk)$/i;

function zoneFromText(z: string | null): Zone | null {
  if (!z) return null;
  const s = z.toLowerCase();
  if (s.includes('three') || s.startsWith('3')) return 'three';
  if (s.includes('paint') || s.includes('restricted')) return 'paint';
  if (s.includes('mid')) return 'mid';
  return null;
}

function zoneFromDistance(ft: number | null, isThree: boolean | null): Zone | null {
  if (isThree) return 'three';
  if (ft === null || !Number.isFinite(ft)) return isThree === false ? 'mid' : null;
  if (isThree === false) return ft <= PAINT_MAX_FT ? 'paint' : 'mid';
  return ft <= PAINT_MAX_FT ? 'paint' : ft >= THREE_MIN_FT ? 'three' : 'mid';
}

/** A field-goal attempt from an nba.com play-by-play row, or null for any other event. */
export function nbacShot(r: NbacPlayByPlayRow): Shot | null {
  const type = r.event_type ?? '';
  if (FREE_THROW.test(type)) return null;
  if (!r.shot_zone && !FIELD_GOAL.test(type)) return null;
  const isThree = /3/.test(type) ? true : /2/.test(type) ? false : null;
  const zone = zoneFromText(r.shot_zone) ?? zoneFromDistance(r.shot_distance_ft, isThree);
  if (!zone) return null;
  const made = r.shot_made ?? (r.points !== null && r.points >= 2);
  return { gameId: r.game_id, team: r.team_abbr, player: r.player_lookup, zone, made };
}

/** A field-goal attempt from a BigDataBall row ('shot' = made, 'miss' = missed), or null. A miss has no
 * points, so without the loader's shot_zone its zone comes from the distance (22 ft and out = three). */
export function bdbShot(r: BigDataBallPlayByPlayRow): Shot | null {
  const type = r.event_type ?? '';
  if (FREE_THROW.test(type) || !FIELD_GOAL.test(type)) return null;
  const made = r.result ? /^made/i.test(r.result) : type.toLowerCase() === 'shot';
  const isThree = made && r.points !== null ? r.points === 3 : null;
  const zone = zoneFromText(r.shot_zone ?? null) ?? zoneFromDistance(r.shot_distance_ft, isThree);
  if (!zone) return null;
  return { gameId: r.game_id, team: r.team_abbr, player: r.player_lookup, zone, made };
}

/**
 * Shots per game: nba.com where it has field goals for the game, BigDataBall otherwise.
 * Returns the shots and, per game, which feed they came from.
 */
export function shotsByGame(nbac: readonly NbacPlayByPlayRow[], bdb: readonly BigDataBallPlayByPlayRow[]): { shots: Shot[]; sourceOf: Map<string, 'nbac_pbp' | 'bdb_pbp'> } {
  const fromNbac = nbac.map(nbacShot).filter((s): s is Shot => s !== null);
  const sourceOf = new Map<string, 'nbac_pbp' | 'bdb_pbp'>();
  for (const s of fromNbac) sourceOf.set(s.gameId, 'nbac_pbp');
  const shots = [...fromNbac];
  for (const r of bdb) {
    if (sourceOf.get(r.game_id) === 'nbac_pbp') continue;
    const s = bdbShot(r);
    if (!s) continue;
    sourceOf.set(s.gameId, 'bdb_pbp');
    shots.push(s);
  }
  return { shots, sourceOf };
}

/** Zone counts of the shots, grouped by a key (e.g. game + team, or game + player). */
export function zoneCounts(shots: readonly Shot[], keyOf: (s: Shot) => string | null): Map<string, ZoneCounts> {
  const out = new Map<string, ZoneCounts>();
  for (const s of shots) {
    const k = keyOf(s);
    if (k === null) continue;
    let z = out.get(k);
    if (!z) out.set(k, (z = emptyZones()));
    z[s.zone].fga++;
    if (s.made) z[s.zone].fgm++;
  }
  return out;
}
