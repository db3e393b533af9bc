// Aggregates a simulated game's plays into per-player and per-team stat lines. Every
// box-score view (gamebook, nba.com box scores, scoreboard) is built from this, so team
// totals always equal the sum of player lines and match the play-by-play.

import type { ScheduledGame } from './calendar.js';
import type { Participant, Play, SimGame, Side } from './plays.js';
import { pointsOf } from './simulate.js';
import { team as teamOf, type Team } from './teams.js';

export interface StatLine {
  seconds: number;
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  paintFgm: number;
  paintFga: number;
  midFgm: number;
  midFga: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  reb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  pts: number;
  plusMinus: number;
}

export interface PlayerBox {
  participant: Participant;
  /** null for players who did not play (dnp / inactive). */
  stats: StatLine | null;
}

export interface TeamBox {
  side: Side;
  team: Team;
  players: PlayerBox[];
  totals: StatLine;
  /** Points per quarter (4 entries, no overtime in this model). */
  periods: number[];
  score: number;
}

export interface GameBox {
  game: ScheduledGame;
  teams: [TeamBox, TeamBox];
}

export function emptyLine(): StatLine {
  return {
    seconds: 0, fgm: 0, fga: 0, fg3m: 0, fg3a: 0, paintFgm: 0, paintFga: 0, midFgm: 0, midFga: 0,
    ftm: 0, fta: 0, oreb: 0, dreb: 0, reb: 0, ast: 0, stl: 0, blk: 0, tov: 0, pf: 0, pts: 0, plusMinus: 0,
  };
}

export function periodOf(t: number): number {
  return Math.min(4, Math.floor(t / 720) + 1);
}

function tally(lines: Map<number, StatLine>, plays: readonly Play[]): void {
  const line = (pid: number | undefined | null): StatLine | undefined => (pid ? lines.get(pid) : undefined);
  const reb = (r: { pid: number; offensive: boolean } | undefined) => {
    const l = line(r?.pid);
    if (l && r) r.offensive ? l.oreb++ : l.dreb++;
  };
  for (const p of plays) {
    const s = line(p.pid);
    if (p.k === 'fg') {
      if (s) {
        s.fga++;
        if (p.made) s.fgm++;
        if (p.three) {
          s.fg3a++;
          if (p.made) s.fg3m++;
        } else if (p.zone === 'paint') {
          s.paintFga++;
          if (p.made) s.paintFgm++;
        } else {
          s.midFga++;
          if (p.made) s.midFgm++;
        }
        if (p.and1) {
          s.fta++;
          if (p.and1.made) s.ftm++;
        }
        s.pts += pointsOf(p);
      }
      const a = line(p.ast);
      if (a) a.ast++;
      const b = line(p.blk);
      if (b) b.blk++;
      reb(p.reb);
      if (p.and1) {
        const f = line(p.and1.fouler);
        if (f) f.pf++;
        reb(p.and1.reb);
      }
    } else if (p.k === 'ft') {
      if (s) {
        s.fta += p.made.length;
        s.ftm += p.made.filter(Boolean).length;
        s.pts += pointsOf(p);
      }
      const f = line(p.fouler);
      if (f) f.pf++;
      reb(p.reb);
    } else if (p.k === 'tov') {
      if (s) s.tov++;
      const st = line(p.stl);
      if (st) st.stl++;
    } else if (s) {
      s.pf++;
    }
  }
}

function sumLines(lines: StatLine[]): StatLine {
  const total = emptyLine();
  for (const l of lines) {
    for (const k of Object.keys(total) as Array<keyof StatLine>) total[k] += l[k];
  }
  return total;
}

/** +/- = share of 5x the margin by minutes plus fixed zero-sum noise, so it sums to 5x margin. */
function assignPlusMinus(players: PlayerBox[], margin: number): void {
  const active = players.filter((p): p is PlayerBox & { stats: StatLine } => p.stats !== null);
  const totalSec = active.reduce((a, p) => a + p.stats.seconds, 0) || 1;
  const noiseSum = active.reduce((a, p) => a + p.participant.pmNoise, 0);
  let sum = 0;
  for (const p of active) {
    const share = p.stats.seconds / totalSec;
    p.stats.plusMinus = Math.round(5 * margin * share + p.participant.pmNoise - noiseSum * share);
    sum += p.stats.plusMinus;
  }
  const top = active.reduce<(typeof active)[number] | undefined>((b, p) => (!b || p.stats.seconds > b.stats.seconds ? p : b), undefined);
  if (top) top.stats.plusMinus += 5 * margin - sum;
}

export function boxScore(sim: SimGame): GameBox {
  const lines = new Map<number, StatLine>();
  for (const side of sim.participants) {
    for (const p of side) {
      if (p.status !== 'active') continue;
      const l = emptyLine();
      l.seconds = p.seconds;
      lines.set(p.player.id, l);
    }
  }
  tally(lines, sim.plays);
  for (const l of lines.values()) l.reb = l.oreb + l.dreb;
  const periods: [number[], number[]] = [[0, 0, 0, 0], [0, 0, 0, 0]];
  for (const p of sim.plays) {
    const pts = pointsOf(p);
    if (pts) periods[p.side][periodOf(p.t) - 1] = (periods[p.side][periodOf(p.t) - 1] ?? 0) + pts;
  }
  const teams = ([0, 1] as const).map((side): TeamBox => {
    const players = sim.participants[side].map((participant) => ({ participant, stats: lines.get(participant.player.id) ?? null }));
    const totals = sumLines(players.flatMap((p) => (p.stats ? [p.stats] : [])));
    return {
      side,
      team: teamOf(side === 0 ? sim.game.away : sim.game.home),
      players,
      totals,
      periods: periods[side],
      score: totals.pts,
    };
  }) as [TeamBox, TeamBox];
  for (const side of [0, 1] as const) {
    const margin = teams[side].score - teams[1 - side]!.score;
    assignPlusMinus(teams[side].players, margin);
    teams[side].totals.plusMinus = margin;
  }
  return { game: sim.game, teams };
}
