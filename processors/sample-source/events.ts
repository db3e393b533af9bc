// Expands simulated plays into the chronological action stream both play-by-play
// feeds render: period markers, shots with their block/rebound/and-one follow-ups,
// free-throw trips, turnovers with steals and fouls, with running score and totals.

import { periodOf } from './boxscore.js';
import type { SimGame, Side, Zone } from './plays.js';

export type ActionKind = 'period-start' | 'jumpball' | 'fg' | 'ft' | 'rebound' | 'turnover' | 'steal' | 'block' | 'foul' | 'period-end';

export interface Action {
  n: number;
  /** Elapsed game seconds. */
  t: number;
  period: number;
  kind: ActionKind;
  side: Side | null;
  pid: number | null;
  made?: boolean;
  three?: boolean;
  dist?: number;
  zone?: Zone;
  subType?: string;
  descriptor?: string;
  angle?: number;
  ast?: number;
  blk?: number;
  stl?: number;
  drawn?: number | null;
  offensive?: boolean;
  ftNum?: number;
  ftOf?: number;
  technical?: boolean;
  /** Action number of the shot a block/rebound belongs to. */
  shotN?: number;
  pts: number;
  scoreAway: number;
  scoreHome: number;
}

const expanded = new WeakMap<SimGame, Action[]>();

/** Memoised per simulated game; callers must treat the result as read-only. */
export function expandPlays(sim: SimGame): readonly Action[] {
  let cached = expanded.get(sim);
  if (!cached) {
    cached = expand(sim);
    expanded.set(sim, cached);
  }
  return cached;
}

function expand(sim: SimGame): Action[] {
  const out: Action[] = [];
  const score = [0, 0];
  let last = 0;
  const push = (a: Omit<Action, 'n' | 'period' | 'scoreAway' | 'scoreHome' | 'pts'> & { pts?: number }, period: number): Action => {
    const end = period * 720;
    const t = Math.min(end, Math.max(a.t, last));
    last = t;
    const pts = a.pts ?? 0;
    if (a.side !== null && pts) score[a.side] = (score[a.side] ?? 0) + pts;
    // Mutating the fresh literal instead of spreading it keeps this hot path cheap.
    const action = a as Action;
    action.t = t;
    action.n = out.length + 1;
    action.period = period;
    action.pts = pts;
    action.scoreAway = score[0] ?? 0;
    action.scoreHome = score[1] ?? 0;
    out.push(action);
    return action;
  };
  let period = 0;
  const openPeriod = (p: number) => {
    while (period < p) {
      if (period > 0) push({ t: period * 720, kind: 'period-end', side: null, pid: null }, period);
      period++;
      push({ t: (period - 1) * 720, kind: 'period-start', side: null, pid: null }, period);
      if (period === 1) {
        const centers = sim.participants.map((side) => side.filter((x) => x.starter).sort((a, b) => b.player.skills.drebWeight - a.player.skills.drebWeight)[0]);
        push({ t: 0, kind: 'jumpball', side: 1, pid: centers[1]?.player.id ?? null, drawn: centers[0]?.player.id ?? null }, 1);
      }
    }
  };
  for (const p of sim.plays) {
    const per = periodOf(p.t);
    openPeriod(per);
    if (p.k === 'fg') {
      const shot = push(
        { t: p.t, kind: 'fg', side: p.side, pid: p.pid, made: p.made, three: p.three, dist: p.dist, zone: p.zone, subType: p.subType, descriptor: p.descriptor, angle: p.angle, ...(p.ast ? { ast: p.ast } : {}), ...(p.blk ? { blk: p.blk } : {}), pts: p.made ? (p.three ? 3 : 2) : 0 },
        per,
      );
      if (p.blk) push({ t: p.t, kind: 'block', side: (1 - p.side) as Side, pid: p.blk, shotN: shot.n }, per);
      if (p.reb) push({ t: p.t + 1, kind: 'rebound', side: p.reb.side, pid: p.reb.pid, offensive: p.reb.offensive, shotN: shot.n }, per);
      if (p.and1) {
        push({ t: p.t, kind: 'foul', side: (1 - p.side) as Side, pid: p.and1.fouler, drawn: p.pid, subType: 'Shooting' }, per);
        const ft = push({ t: p.t, kind: 'ft', side: p.side, pid: p.pid, made: p.and1.made, ftNum: 1, ftOf: 1, pts: p.and1.made ? 1 : 0 }, per);
        if (p.and1.reb) push({ t: p.t + 1, kind: 'rebound', side: p.and1.reb.side, pid: p.and1.reb.pid, offensive: p.and1.reb.offensive, shotN: ft.n }, per);
      }
    } else if (p.k === 'ft') {
      if (p.fouler !== null) push({ t: p.t, kind: 'foul', side: (1 - p.side) as Side, pid: p.fouler, drawn: p.pid, subType: 'Shooting' }, per);
      let lastFt = 0;
      p.made.forEach((made, i) => {
        lastFt = push({ t: p.t, kind: 'ft', side: p.side, pid: p.pid, made, ftNum: i + 1, ftOf: p.made.length, technical: p.fouler === null, pts: made ? 1 : 0 }, per).n;
      });
      if (p.reb) push({ t: p.t + 1, kind: 'rebound', side: p.reb.side, pid: p.reb.pid, offensive: p.reb.offensive, shotN: lastFt }, per);
    } else if (p.k === 'tov') {
      push({ t: p.t, kind: 'turnover', side: p.side, pid: p.pid, subType: p.subType, ...(p.stl ? { stl: p.stl } : {}) }, per);
      if (p.stl) push({ t: p.t, kind: 'steal', side: (1 - p.side) as Side, pid: p.stl }, per);
    } else {
      push({ t: p.t, kind: 'foul', side: p.side, pid: p.pid, drawn: p.drawn, subType: p.subType }, per);
    }
  }
  openPeriod(4);
  push({ t: 2880, kind: 'period-end', side: null, pid: null }, 4);
  return out;
}

/** Seconds left in the period for an elapsed game time. */
export function clockLeft(t: number, period: number): number {
  return Math.max(0, period * 720 - t);
}
