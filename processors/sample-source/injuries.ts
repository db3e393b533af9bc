// Injury model: season-long injury spells per player plus day-level listings, turned
// into the official-report timeline (status per report time) for one date. Control
// flips are merged in here so late status changes show up only from their time on.

import { memoBySeed } from './cache.js';
import { SEASON_END, SEASON_START, gamesOn, isBackToBack } from './calendar.js';
import { addDays, daysBetween, minutesOf } from './dates.js';
import { Rng } from './prng.js';
import { league, type Player } from './rosters.js';

export const REPORT_TIMES: readonly string[] = ['01:30', '08:30', '13:30', '17:30'];
export type InjuryStatus = 'Out' | 'Doubtful' | 'Questionable' | 'Probable' | 'Available';
export const INJURY_STATUSES: readonly InjuryStatus[] = ['Out', 'Doubtful', 'Questionable', 'Probable', 'Available'];
export type InjuryCategory = 'injury' | 'rest' | 'gleague' | 'personal';

export interface InjuryFlip {
  date: string;
  playerId: number;
  /** First report time (ET "HH:MM") carrying the new status; becomes a report time itself. */
  from: string;
  status: InjuryStatus;
  reason?: string;
}

export interface InjuryEntry {
  player: Player;
  gameId: string;
  /** "MIA@ORL" as in the official report. */
  matchup: string;
  gameTimeEt: string;
  category: InjuryCategory;
  /** Official report wording, e.g. "Injury/Illness - Left Ankle; Sprain". */
  reason: string;
  /** Status per timeline time; null = not on that report. */
  statuses: Array<InjuryStatus | null>;
}

export interface InjuryTimeline {
  date: string;
  times: string[];
  entries: InjuryEntry[];
}

const AILMENTS = [
  'Left Ankle; Sprain', 'Right Ankle; Sprain', 'Left Knee; Soreness', 'Right Knee; Soreness',
  'Right Hamstring; Strain', 'Left Hamstring; Strain', 'Low Back; Soreness', 'Right Calf; Strain',
  'Left Hand; Fracture', 'Right Foot; Plantar Fasciitis', 'Left Hip; Contusion', 'Right Shoulder; Sprain',
  'Left Achilles; Tendinopathy', 'Concussion Protocol', 'Illness',
];

interface Spell {
  start: string;
  end: string;
  ailment: string;
}

const spellsBySeed = memoBySeed(() => new Map<number, Spell[]>());

function spellsFor(seed: number, p: Player): Spell[] {
  const bySeed = spellsBySeed(seed);
  let spells = bySeed.get(p.id);
  if (!spells) {
    const rng = Rng.from(seed, 'spells', p.id);
    const span = daysBetween(SEASON_START, SEASON_END);
    spells = [];
    const n = rng.poisson(0.9 * p.skills.injuryProne);
    for (let i = 0; i < n; i++) {
      const roll = rng.next();
      const length = roll < 0.6 ? rng.int(1, 3) : roll < 0.9 ? rng.int(4, 12) : rng.int(13, 35);
      const start = addDays(SEASON_START, rng.int(0, span));
      spells.push({ start, end: addDays(start, length - 1), ailment: rng.pick(AILMENTS) });
    }
    bySeed.set(p.id, spells);
  }
  return spells;
}

type Plan = { category: InjuryCategory; reason: string; statuses: Array<InjuryStatus | null> };

function basePlan(seed: number, date: string, p: Player): Plan | null {
  const rng = Rng.from(seed, 'injury-day', date, p.id);
  if (p.role === 'twoWay' && rng.chance(0.5)) {
    return { category: 'gleague', reason: 'G League - Two-Way', statuses: ['Out', 'Out', 'Out', 'Out'] };
  }
  const spell = spellsFor(seed, p).find((s) => s.start <= date && date <= s.end);
  if (spell) {
    const reason = `Injury/Illness - ${spell.ailment}`;
    if (date !== spell.end) return { category: 'injury', reason, statuses: ['Out', 'Out', 'Out', 'Out'] };
    const roll = rng.next();
    const statuses: InjuryStatus[] =
      roll < 0.45 ? ['Questionable', 'Questionable', 'Probable', 'Available']
      : roll < 0.75 ? ['Questionable', 'Questionable', 'Questionable', 'Questionable']
      : roll < 0.9 ? ['Questionable', 'Questionable', 'Doubtful', 'Out']
      : ['Doubtful', 'Doubtful', 'Out', 'Out'];
    return { category: 'injury', reason, statuses };
  }
  if (p.role === 'star' && isBackToBack(seed, p.team, date) && rng.chance(0.3)) {
    return { category: 'rest', reason: 'Rest', statuses: [null, null, 'Out', 'Out'] };
  }
  if (rng.chance(0.004)) {
    return { category: 'personal', reason: 'Personal Reasons', statuses: [null, 'Out', 'Out', 'Out'] };
  }
  if (p.role !== 'twoWay' && rng.chance(0.04)) {
    const first = rng.int(0, 2);
    const initial: InjuryStatus = rng.chance(0.6) ? 'Questionable' : 'Probable';
    const roll = rng.next();
    const final: InjuryStatus = roll < 0.55 ? 'Available' : roll < 0.7 ? 'Questionable' : roll < 0.8 ? 'Probable' : 'Out';
    const statuses = REPORT_TIMES.map((_, i) => (i < first ? null : i === REPORT_TIMES.length - 1 ? final : initial));
    const ailment = rng.chance(0.25) ? 'Illness' : rng.pick(AILMENTS.slice(0, 8));
    return { category: 'injury', reason: `Injury/Illness - ${ailment}`, statuses };
  }
  return null;
}

/** Index of the latest time <= hhmm, or -1 when hhmm is before the first report. */
export function timeIndex(times: readonly string[], hhmm: string): number {
  // Zero-padded "HH:MM" strings order like the times they denote.
  let idx = -1;
  for (let i = 0; i < times.length; i++) if ((times[i] ?? '') <= hhmm) idx = i;
  return idx;
}

export function injuryTimeline(seed: number, date: string, flips: readonly InjuryFlip[] = []): InjuryTimeline {
  const dayFlips = flips.filter((f) => f.date === date).sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
  const times = [...new Set([...REPORT_TIMES, ...dayFlips.map((f) => f.from)])].sort((a, b) => minutesOf(a) - minutesOf(b));
  const entries: InjuryEntry[] = [];
  const byPlayer = new Map<number, InjuryEntry>();
  const l = league(seed);
  for (const g of gamesOn(seed, date)) {
    for (const abbr of [g.away, g.home]) {
      for (const p of l.byTeam.get(abbr) ?? []) {
        const plan = basePlan(seed, date, p);
        if (!plan) continue;
        const statuses = times.map((t) => {
          const i = timeIndex(REPORT_TIMES, t);
          return i < 0 ? null : plan.statuses[i] ?? null;
        });
        const entry: InjuryEntry = {
          player: p, gameId: g.gameId, matchup: `${g.away}@${g.home}`, gameTimeEt: g.startEt,
          category: plan.category, reason: plan.reason, statuses,
        };
        entries.push(entry);
        byPlayer.set(p.id, entry);
      }
    }
  }
  for (const f of dayFlips) {
    let entry = byPlayer.get(f.playerId);
    if (!entry) {
      const p = l.byId.get(f.playerId);
      const g = p && gamesOn(seed, date).find((x) => x.home === p.team || x.away === p.team);
      if (!p || !g) continue;
      entry = {
        player: p, gameId: g.gameId, matchup: `${g.away}@${g.home}`, gameTimeEt: g.startEt,
        category: 'injury', reason: f.reason ?? 'Injury/Illness - Left Ankle; Sprain', statuses: times.map(() => null),
      };
      entries.push(entry);
      byPlayer.set(p.id, entry);
    } else if (f.reason) {
      entry.reason = f.reason;
      entry.category = 'injury';
    }
    const from = minutesOf(f.from);
    times.forEach((t, i) => {
      if (minutesOf(t) >= from && entry) entry.statuses[i] = f.status;
    });
  }
  entries.sort((a, b) => a.gameTimeEt.localeCompare(b.gameTimeEt) || a.matchup.localeCompare(b.matchup) || a.player.team.localeCompare(b.player.team) || a.player.lastName.localeCompare(b.player.lastName));
  return { date, times, entries };
}

/** Status of one player as of an ET time (null = not on the report). */
const entryIndex = new WeakMap<InjuryTimeline, Map<number, InjuryEntry>>();

export function statusAt(timeline: InjuryTimeline, playerId: number, hhmm: string): { status: InjuryStatus; entry: InjuryEntry } | null {
  const i = timeIndex(timeline.times, hhmm);
  if (i < 0) return null;
  let byPlayer = entryIndex.get(timeline);
  if (!byPlayer) {
    byPlayer = new Map(timeline.entries.map((e) => [e.player.id, e]));
    entryIndex.set(timeline, byPlayer);
  }
  const entry = byPlayer.get(playerId);
  const status = entry?.statuses[i];
  return entry && status ? { status, entry } : null;
}
