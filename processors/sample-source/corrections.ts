// Box-score corrections. A correction edits the underlying plays (a miss becomes a
// make, a three becomes a two, a free throw is added...) instead of patching totals,
// so gamebook, box scores, scoreboard and both play-by-play feeds change together.

import { badRequest } from './errors.js';
import type { BoxCorrection } from './overrides.js';
import { clonePlays, type FgPlay, type FtPlay, type Play, type Rebound, type SimGame, type Side } from './plays.js';
import { pointsOf } from './simulate.js';

function defensiveRebound(sim: SimGame, shooterSide: Side): Rebound {
  const opp = (1 - shooterSide) as Side;
  const best = sim.participants[opp]
    .filter((p) => p.status === 'active')
    .reduce<{ id: number; w: number } | null>((b, p) => {
      const w = p.seconds * p.player.skills.drebWeight;
      return !b || w > b.w ? { id: p.player.id, w } : b;
    }, null);
  return { side: opp, pid: best?.id ?? 0, offensive: false };
}

export function applyCorrection(sim: SimGame, c: BoxCorrection): SimGame {
  const participant = sim.participants.flat().find((p) => p.player.id === c.playerId);
  if (!participant || participant.status !== 'active') {
    throw badRequest(`player ${c.playerId} did not play in game ${sim.game.gameId}`);
  }
  const side = participant.side;
  const plays = clonePlays(sim.plays);
  const mineFg = () => plays.filter((p): p is FgPlay => p.k === 'fg' && p.pid === c.playerId);
  const mineFt = () => plays.filter((p): p is FtPlay => p.k === 'ft' && p.pid === c.playerId);
  const points = () => plays.reduce((a, p) => a + ((p.k === 'fg' || p.k === 'ft') && p.pid === c.playerId ? pointsOf(p) : 0), 0);
  let lateT = 2870;
  const add = (p: Play) => {
    p.t = lateT--;
    plays.push(p);
  };

  if (c.fgm !== undefined) {
    if (!Number.isInteger(c.fgm) || c.fgm < 0) throw badRequest('fgm must be a non-negative integer');
    let fgm = mineFg().filter((p) => p.made).length;
    while (fgm < c.fgm) {
      const miss = mineFg().find((p) => !p.made);
      if (miss) {
        miss.made = true;
        delete miss.reb;
        delete miss.blk;
      } else {
        add({ k: 'fg', t: 0, side, pid: c.playerId, made: true, three: false, dist: 2, zone: 'paint', subType: 'Layup', descriptor: 'driving', angle: 0 });
      }
      fgm++;
    }
    while (fgm > c.fgm) {
      const made = mineFg().filter((p) => p.made).sort((a, b) => Number(!!a.and1) - Number(!!b.and1))[0];
      if (!made) break;
      made.made = false;
      delete made.ast;
      delete made.and1;
      made.reb = defensiveRebound(sim, side);
      fgm--;
    }
  }

  if (c.points !== undefined) {
    if (!Number.isInteger(c.points) || c.points < 0) throw badRequest('points must be a non-negative integer');
    let diff = c.points - points();
    for (let guard = 0; diff !== 0 && guard < 500; guard++) {
      if (diff > 0) {
        const ft = mineFt().find((p) => p.made.includes(false));
        const and1 = mineFg().find((p) => p.and1 && !p.and1.made);
        const two = mineFg().filter((p) => p.made && !p.three).sort((a, b) => b.dist - a.dist)[0];
        if (ft) {
          const i = ft.made.indexOf(false);
          ft.made[i] = true;
          if (i === ft.made.length - 1) delete ft.reb;
        } else if (and1?.and1) {
          and1.and1.made = true;
          delete and1.and1.reb;
        } else if (two) {
          Object.assign(two, { three: true, zone: 'three', dist: 24, subType: 'Jump Shot', descriptor: '', angle: 0.3 });
        } else {
          add({ k: 'ft', t: 0, side, pid: c.playerId, fouler: null, made: [true] });
        }
        diff--;
      } else {
        const ft = mineFt().find((p) => p.made.includes(true));
        const and1 = mineFg().find((p) => p.and1?.made);
        const three = mineFg().find((p) => p.made && p.three);
        if (ft) {
          const i = ft.made.lastIndexOf(true);
          ft.made[i] = false;
          if (i === ft.made.length - 1) ft.reb = defensiveRebound(sim, side);
          diff++;
        } else if (and1?.and1) {
          and1.and1.made = false;
          and1.and1.reb = defensiveRebound(sim, side);
          diff++;
        } else if (three) {
          Object.assign(three, { three: false, zone: 'mid', dist: 18, angle: 0.3 });
          diff++;
        } else if (c.fgm === undefined && mineFg().some((p) => p.made)) {
          const made = mineFg().find((p) => p.made);
          if (!made) break;
          diff += made.three ? 3 : 2;
          made.made = false;
          delete made.ast;
          made.reb = defensiveRebound(sim, side);
        } else {
          break;
        }
      }
    }
    if (diff !== 0) throw badRequest(`cannot reach ${c.points} points${c.fgm !== undefined ? ` with ${c.fgm} fgm` : ''} for player ${c.playerId}`);
  }
  plays.sort((a, b) => a.t - b.t);
  return { ...sim, plays };
}
