// Game simulator: turns rosters, skills and who is available into minutes and a list
// of plays. Box scores are never sampled directly; they are aggregated from the plays,
// which is what keeps box score, gamebook and both play-by-play feeds consistent.

import type { ScheduledGame } from './calendar.js';
import type { FgPlay, Participant, ParticipantStatus, Play, Rebound, Side, Zone } from './plays.js';
import { Rng, clamp } from './prng.js';
import { TEAM_FGA, type Player } from './rosters.js';

export interface Availability {
  player: Player;
  plays: boolean;
  status: ParticipantStatus;
  reason: string | null;
}

const GAME_SECONDS = 2880;
const TEAM_SECONDS = 5 * GAME_SECONDS;
const MAX_SECONDS = 44 * 60;
const COACH_DNP: Partial<Record<Player['role'], number>> = { fringe: 0.2, bench: 0.6, twoWay: 0.8 };

function allotMinutes(rng: Rng, side: Side, avail: Availability[]): Participant[] {
  const parts: Participant[] = avail.map((a) => ({
    player: a.player, side, status: a.status, reason: a.reason, starter: false, seconds: 0, pmNoise: 0,
  }));
  const playing = parts.filter((_, i) => avail[i]?.plays);
  for (const p of playing) {
    const dnp = COACH_DNP[p.player.role] ?? 0;
    if (rng.chance(dnp)) {
      p.status = 'dnp';
      p.reason = "DNP - Coach's Decision";
    } else {
      p.status = 'active';
      p.reason = null;
    }
  }
  const active = playing.filter((p) => p.status === 'active').sort((a, b) => a.player.slot - b.player.slot);
  active.slice(0, 5).forEach((p) => (p.starter = true));
  const raw = active.map((p) => {
    const s = p.player.skills;
    const mean = p.starter ? Math.max(s.minutesMean, 27) : s.minutesMean;
    return clamp(rng.normal(mean, s.minutesSd), 1.5, 42) * 60;
  });
  // Scale to exactly 240 team minutes, re-spreading whatever the 44-minute cap cuts off.
  const capped = new Array<boolean>(raw.length).fill(false);
  for (let iter = 0; iter < 5; iter++) {
    const fixed = raw.reduce((a, v, i) => a + (capped[i] ? v : 0), 0);
    const free = raw.reduce((a, v, i) => a + (capped[i] ? 0 : v), 0);
    if (free <= 0) break;
    const k = (TEAM_SECONDS - fixed) / free;
    let changed = false;
    raw.forEach((v, i) => {
      if (capped[i]) return;
      raw[i] = v * k;
      if (raw[i]! > MAX_SECONDS) {
        raw[i] = MAX_SECONDS;
        capped[i] = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  let total = 0;
  active.forEach((p, i) => {
    p.seconds = Math.max(30, Math.round(raw[i] ?? 0));
    total += p.seconds;
  });
  const top = active.reduce<Participant | undefined>((best, p) => (!best || p.seconds > best.seconds ? p : best), undefined);
  if (top) top.seconds += TEAM_SECONDS - total;
  for (const p of active) p.pmNoise = rng.normal(0, 4);
  return parts;
}

interface Pool {
  parts: Participant[];
  w: (p: Participant) => number;
}

function pickFrom(rng: Rng, pool: Pool, exclude?: number, fouls?: Map<number, number>): number {
  const weights = pool.parts.map((p) => {
    if (p.player.id === exclude) return 0;
    if (fouls && (fouls.get(p.player.id) ?? 0) >= 6) return 0;
    return pool.w(p);
  });
  const i = rng.weighted(weights);
  const chosen = pool.parts[i >= 0 ? i : 0];
  return chosen ? chosen.player.id : 0;
}

const PAINT_TYPES: Array<[string, string]> = [['Layup', 'driving'], ['Layup', 'cutting'], ['Layup', 'running'], ['Dunk', 'running'], ['Dunk', 'cutting'], ['Hook', 'turnaround']];
const JUMP_TYPES: Array<[string, string]> = [['Jump Shot', ''], ['Jump Shot', 'pullup'], ['Jump Shot', 'step back'], ['Jump Shot', 'turnaround'], ['Jump Shot', 'fadeaway']];

function shotGeometry(rng: Rng, zone: Zone, big: boolean): { dist: number; subType: string; descriptor: string; angle: number } {
  if (zone === 'paint') {
    const r = rng.next();
    const dist = r < 0.55 ? rng.int(0, 2) : r < 0.85 ? rng.int(3, 5) : rng.int(6, 8);
    // Dunks only at the rim, floaters only from the edge of the paint.
    const options = dist <= 2 ? (big ? PAINT_TYPES : PAINT_TYPES.slice(0, 4)) : PAINT_TYPES.filter(([t]) => t !== 'Dunk');
    const [subType, descriptor] = dist >= 6 ? ['Jump Shot', 'floating'] : rng.pick(options);
    return { dist, subType, descriptor, angle: rng.range(-1.3, 1.3) };
  }
  const [subType, descriptor] = rng.pick(JUMP_TYPES);
  if (zone === 'mid') return { dist: rng.int(9, 21), subType, descriptor, angle: rng.range(-1.45, 1.45) };
  if (rng.chance(0.22)) return { dist: 22, subType, descriptor: '', angle: (rng.chance(0.5) ? 1 : -1) * rng.range(1.45, 1.55) };
  return { dist: rng.chance(0.04) ? rng.int(29, 36) : rng.int(24, 28), subType, descriptor, angle: rng.range(-1.2, 1.2) };
}

function playTimes(rng: Rng, n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const period = rng.int(0, 3);
    times.push(period * 720 + rng.int(2, 714));
  }
  return times.sort((a, b) => a - b);
}

export function simulateGame(seed: number, game: ScheduledGame, away: Availability[], home: Availability[]): { participants: [Participant[], Participant[]]; plays: Play[] } {
  const rng = Rng.from(seed, 'game', game.gameId);
  const participants: [Participant[], Participant[]] = [
    allotMinutes(Rng.from(seed, 'minutes', game.gameId, game.away), 0, away),
    allotMinutes(Rng.from(seed, 'minutes', game.gameId, game.home), 1, home),
  ];
  const active: [Participant[], Participant[]] = [
    participants[0].filter((p) => p.status === 'active'),
    participants[1].filter((p) => p.status === 'active'),
  ];
  const pool = (side: Side, w: (p: Participant) => number): Pool => ({ parts: active[side], w: (p) => w(p) * p.seconds });
  const pools = ([0, 1] as const).map((s) => ({
    oreb: pool(s, (p) => p.player.skills.orebWeight),
    dreb: pool(s, (p) => p.player.skills.drebWeight),
    ast: pool(s, (p) => p.player.skills.astWeight),
    stl: pool(s, (p) => p.player.skills.stlWeight),
    blk: pool(s, (p) => p.player.skills.blkWeight),
    foul: pool(s, (p) => p.player.skills.foulWeight),
    any: pool(s, () => 1),
  }));
  const fouls = new Map<number, number>();
  const foul = (side: Side): number => {
    const pid = pickFrom(rng, pools[side]!.foul, undefined, fouls);
    fouls.set(pid, (fouls.get(pid) ?? 0) + 1);
    return pid;
  };
  const rebound = (shooterSide: Side, offProb: number): Rebound => {
    const offensive = rng.chance(offProb);
    const side = (offensive ? shooterSide : 1 - shooterSide) as Side;
    return { side, pid: pickFrom(rng, offensive ? pools[side]!.oreb : pools[side]!.dreb), offensive };
  };
  const plays: Play[] = [];
  const pace = rng.normal(1, 0.05);

  for (const side of [0, 1] as const) {
    const opp = (1 - side) as Side;
    const team = active[side];
    const usageSum = team.reduce((a, p) => a + p.seconds * p.player.skills.usage, 0) || 1;
    const tovSum = team.reduce((a, p) => a + p.seconds * p.player.skills.usage * p.player.skills.tovRate, 0) || 1;
    const teamFga = TEAM_FGA * pace * rng.normal(1, 0.04);
    for (const p of team) {
      const s = p.player.skills;
      const hot = rng.normal(0, 0.05);
      const fga = rng.poisson((teamFga * p.seconds * s.usage) / usageSum);
      const big = p.player.position === 'C' || p.player.position === 'PF';
      for (let i = 0; i < fga; i++) {
        const zi = rng.weighted([s.zoneMix.paint, s.zoneMix.mid, s.zoneMix.three]);
        const zone: Zone = zi === 0 ? 'paint' : zi === 1 ? 'mid' : 'three';
        const pct = (zone === 'paint' ? s.paintPct : zone === 'mid' ? s.midPct : s.threePct) + hot;
        const geo = shotGeometry(rng, zone, big);
        const fg: FgPlay = { k: 'fg', t: 0, side, pid: p.player.id, made: rng.chance(pct), three: zone === 'three', zone, ...geo };
        if (fg.made) {
          if (rng.chance(zone === 'three' ? 0.8 : zone === 'mid' ? 0.45 : 0.5) && team.length > 1) fg.ast = pickFrom(rng, pools[side]!.ast, p.player.id);
          if (zone === 'paint' && rng.chance(0.07)) {
            const made = rng.chance(s.ftPct);
            fg.and1 = { fouler: foul(opp), made, ...(made ? {} : { reb: rebound(side, 0.12) }) };
          }
        } else {
          if (rng.chance(zone === 'paint' ? 0.14 : zone === 'mid' ? 0.06 : 0.03)) fg.blk = pickFrom(rng, pools[opp]!.blk);
          fg.reb = rebound(side, 0.24);
        }
        plays.push(fg);
      }
      const trips = rng.poisson((fga * s.ftRate) / 2.1);
      for (let i = 0; i < trips; i++) {
        const made = [rng.chance(s.ftPct), rng.chance(s.ftPct)];
        plays.push({ k: 'ft', t: 0, side, pid: p.player.id, fouler: foul(opp), made, ...(made[1] ? {} : { reb: rebound(side, 0.12) }) });
      }
      const tovs = rng.poisson((13.5 * p.seconds * s.usage * s.tovRate) / tovSum);
      for (let i = 0; i < tovs; i++) {
        const subType = rng.pick(['Bad Pass', 'Lost Ball', 'Traveling', 'Out of Bounds - Bad Pass Turnover', 'Offensive Goaltending', 'Shot Clock']);
        const steal = (subType === 'Bad Pass' || subType === 'Lost Ball') && rng.chance(0.75);
        plays.push({ k: 'tov', t: 0, side, pid: p.player.id, subType, ...(steal ? { stl: pickFrom(rng, pools[opp]!.stl) } : {}) });
      }
    }
    const extraFouls = rng.poisson(7);
    for (let i = 0; i < extraFouls; i++) {
      plays.push({ k: 'foul', t: 0, side, pid: foul(side), drawn: pickFrom(rng, pools[opp]!.any), subType: rng.pick(['Personal', 'Loose Ball', 'Personal Take']) });
    }
  }

  rng.shuffle(plays);
  const times = playTimes(rng, plays.length);
  plays.forEach((p, i) => (p.t = times[i] ?? 0));
  const done = plays;

  // No overtime in this model: break a tie with a late two-shot trip.
  const pts = [0, 0];
  for (const p of done) pts[p.side] = (pts[p.side] ?? 0) + pointsOf(p);
  if (pts[0] === pts[1] && active[0].length && active[1].length) {
    const side = (rng.chance(0.5) ? 1 : 0) as Side;
    const shooter = [...active[side]].sort((a, b) => b.seconds - a.seconds)[0];
    if (shooter) done.push({ k: 'ft', t: 2877, side, pid: shooter.player.id, fouler: foul((1 - side) as Side), made: [true, true] });
  }
  done.sort((a, b) => a.t - b.t);
  return { participants, plays: done };
}

export function pointsOf(p: Play): number {
  if (p.k === 'fg') return (p.made ? (p.three ? 3 : 2) : 0) + (p.and1?.made ? 1 : 0);
  if (p.k === 'ft') return p.made.filter(Boolean).length;
  return 0;
}
