// League rosters: 15 fake players per team with stable ids, player_lookup keys and the
// skill parameters the game simulator draws from. Generated once per seed for the
// whole league so ids and lookups are unique league-wide and identical on every date.

import { memoBySeed } from './cache.js';
import { FIRST_NAMES, LAST_NAMES, toLookup } from './names.js';
import { Rng, clamp } from './prng.js';
import { TEAMS, team as teamOf } from './teams.js';

export type Position = 'PG' | 'SG' | 'SF' | 'PF' | 'C';
/** star/starter start; sixth..fringe form the rotation; bench and twoWay mostly sit. */
export type Role = 'star' | 'starter' | 'sixth' | 'rotation' | 'fringe' | 'bench' | 'twoWay';

export interface ZoneMix {
  paint: number;
  mid: number;
  three: number;
}

export interface Skills {
  minutesMean: number;
  minutesSd: number;
  usage: number;
  zoneMix: ZoneMix;
  paintPct: number;
  midPct: number;
  threePct: number;
  /** Free-throw attempts per field-goal attempt. */
  ftRate: number;
  ftPct: number;
  /** Relative weights used when a rebound/assist/steal/block/foul is handed out. */
  orebWeight: number;
  drebWeight: number;
  astWeight: number;
  stlWeight: number;
  blkWeight: number;
  foulWeight: number;
  tovRate: number;
  injuryProne: number;
}

export interface Player {
  id: number;
  lookup: string;
  firstName: string;
  lastName: string;
  name: string;
  team: string;
  teamId: number;
  jersey: string;
  position: Position;
  role: Role;
  /** 0-4 starters, 5-9 rotation, 10-12 bench, 13-14 two-way. */
  slot: number;
  skills: Skills;
  /** Points the player scores on average when healthy (drives prop lines). */
  expectedPoints: number;
  expectedMinutes: number;
}

export interface League {
  players: Player[];
  byTeam: Map<string, Player[]>;
  byId: Map<number, Player>;
  byLookup: Map<string, Player>;
}

export const TEAM_FGA = 88;

const STARTER_POS: Position[] = ['PG', 'SG', 'SF', 'PF', 'C'];
const ALL_POS: Position[] = ['PG', 'SG', 'SF', 'PF', 'C'];
const BASE_MIX: Record<Position, ZoneMix> = {
  PG: { paint: 0.32, mid: 0.18, three: 0.5 },
  SG: { paint: 0.28, mid: 0.2, three: 0.52 },
  SF: { paint: 0.34, mid: 0.18, three: 0.48 },
  PF: { paint: 0.45, mid: 0.15, three: 0.4 },
  C: { paint: 0.66, mid: 0.12, three: 0.22 },
};

function roleOf(slot: number, starSlot: number): Role {
  if (slot === starSlot) return 'star';
  if (slot < 5) return 'starter';
  if (slot === 5) return 'sixth';
  if (slot < 8) return 'rotation';
  if (slot < 10) return 'fringe';
  if (slot < 13) return 'bench';
  return 'twoWay';
}

const MINUTES: Record<Role, [number, number]> = {
  star: [35, 37],
  starter: [28, 34],
  sixth: [22, 28],
  rotation: [14, 22],
  fringe: [8, 14],
  bench: [4, 9],
  twoWay: [3, 7],
};

const USAGE: Record<Role, [number, number]> = {
  star: [0.28, 0.32],
  starter: [0.16, 0.24],
  sixth: [0.2, 0.26],
  rotation: [0.15, 0.22],
  fringe: [0.14, 0.2],
  bench: [0.13, 0.19],
  twoWay: [0.13, 0.19],
};

function makeSkills(rng: Rng, pos: Position, role: Role): Skills {
  const big = pos === 'C' || pos === 'PF';
  const base = BASE_MIX[pos];
  const paint = Math.max(0.08, base.paint + rng.range(-0.08, 0.08));
  const mid = Math.max(0.04, base.mid + rng.range(-0.06, 0.06));
  const three = Math.max(0.02, base.three + rng.range(-0.08, 0.08));
  const sum = paint + mid + three;
  const [mLo, mHi] = MINUTES[role];
  const [uLo, uHi] = USAGE[role];
  const star = role === 'star';
  return {
    minutesMean: rng.range(mLo, mHi),
    minutesSd: role === 'star' || role === 'starter' ? rng.range(2.5, 4) : rng.range(3.5, 5.5),
    usage: rng.range(uLo, uHi),
    zoneMix: { paint: paint / sum, mid: mid / sum, three: three / sum },
    paintPct: pos === 'C' ? rng.range(0.6, 0.7) : rng.range(0.53, 0.64) + (star ? 0.03 : 0),
    midPct: rng.range(0.37, 0.47) + (star ? 0.03 : 0),
    threePct: pos === 'C' ? rng.range(0.28, 0.36) : rng.range(0.31, 0.4) + (star ? 0.02 : 0),
    ftRate: star ? rng.range(0.26, 0.4) : rng.range(0.12, 0.33),
    ftPct: pos === 'C' ? rng.range(0.6, 0.78) : rng.range(0.72, 0.91),
    orebWeight: pos === 'C' ? rng.range(2.5, 3.5) : pos === 'PF' ? rng.range(1.6, 2.4) : rng.range(0.5, 1),
    drebWeight: pos === 'C' ? rng.range(2.6, 3.4) : pos === 'PF' ? rng.range(1.9, 2.5) : pos === 'SF' ? rng.range(1.2, 1.6) : rng.range(0.8, 1.2),
    astWeight: (pos === 'PG' ? rng.range(2.6, 3.4) : pos === 'SG' ? rng.range(1.4, 1.9) : big ? rng.range(0.7, 1.3) : rng.range(1.1, 1.5)) * (star ? 1.5 : 1),
    stlWeight: big ? rng.range(0.6, 1) : rng.range(1, 1.5),
    blkWeight: pos === 'C' ? rng.range(2.5, 4) : pos === 'PF' ? rng.range(1.2, 2) : rng.range(0.2, 0.6),
    foulWeight: big ? rng.range(1.1, 1.5) : rng.range(0.7, 1.1),
    tovRate: rng.range(0.75, 1.3),
    injuryProne: rng.range(0.3, 1.6),
  };
}

function expectedPointsOf(s: Skills, fga: number): number {
  const perShot = s.zoneMix.paint * s.paintPct * 2 + s.zoneMix.mid * s.midPct * 2 + s.zoneMix.three * s.threePct * 3;
  return fga * perShot + fga * s.ftRate * s.ftPct;
}

function buildLeague(seed: number): League {
  const players: Player[] = [];
  const byTeam = new Map<string, Player[]>();
  const byId = new Map<number, Player>();
  const byLookup = new Map<string, Player>();
  const idRng = Rng.from(seed, 'player-ids');
  let nextId = 1626100;
  for (const t of TEAMS) {
    const rng = Rng.from(seed, 'roster', t.abbr);
    const starSlot = rng.int(0, 4);
    const jerseys = rng.shuffle(['0', '1', '2', '3', '4', '5', '7', '8', '9', '10', '11', '12', '13', '14', '15', '17', '20', '21', '22', '23', '24', '25', '30', '31', '32', '33', '41', '55', '77']);
    const roster: Player[] = [];
    for (let slot = 0; slot < 15; slot++) {
      let firstName = '';
      let lastName = '';
      let lookup = '';
      do {
        firstName = rng.pick(FIRST_NAMES);
        lastName = rng.pick(LAST_NAMES);
        lookup = toLookup(`${firstName} ${lastName}`);
      } while (byLookup.has(lookup));
      const position = slot < 5 ? (STARTER_POS[slot] as Position) : rng.pick(ALL_POS);
      const role = roleOf(slot, starSlot);
      nextId += idRng.int(1, 97);
      const p: Player = {
        id: nextId,
        lookup,
        firstName,
        lastName,
        name: `${firstName} ${lastName}`,
        team: t.abbr,
        teamId: t.id,
        jersey: jerseys[slot] ?? String(slot + 40),
        position,
        role,
        slot,
        skills: makeSkills(rng, position, role),
        expectedPoints: 0,
        expectedMinutes: 0,
      };
      byLookup.set(lookup, p);
      byId.set(p.id, p);
      roster.push(p);
      players.push(p);
    }
    fillExpectations(roster);
    byTeam.set(t.abbr, roster);
  }
  return { players, byTeam, byId, byLookup };
}

/** Expected minutes/points assume the usual 10-man rotation plays and minutes sum to 240. */
function fillExpectations(roster: Player[]): void {
  const rotation = roster.filter((p) => p.slot < 10);
  const minutesSum = rotation.reduce((a, p) => a + p.skills.minutesMean, 0);
  const scale = 240 / minutesSum;
  const usageSum = rotation.reduce((a, p) => a + p.skills.minutesMean * scale * p.skills.usage, 0);
  for (const p of roster) {
    const minutes = clamp(p.skills.minutesMean * (p.slot < 10 ? scale : 0.5), 0, 44);
    const fga = (TEAM_FGA * minutes * p.skills.usage) / usageSum;
    p.expectedMinutes = Math.round(minutes * 10) / 10;
    p.expectedPoints = Math.round(expectedPointsOf(p.skills, fga) * 10) / 10;
  }
}

const leagues = memoBySeed(buildLeague);

export function league(seed: number): League {
  return leagues(seed);
}

export function roster(seed: number, abbr: string): Player[] {
  teamOf(abbr);
  return league(seed).byTeam.get(abbr) ?? [];
}

/** Resolves a control/request reference given as player_id or player_lookup. */
export function findPlayer(seed: number, ref: { player_id?: unknown; player_lookup?: unknown }): Player | undefined {
  const l = league(seed);
  if (ref.player_id !== undefined && ref.player_id !== null) return l.byId.get(Number(ref.player_id));
  if (typeof ref.player_lookup === 'string') return l.byLookup.get(ref.player_lookup);
  return undefined;
}
