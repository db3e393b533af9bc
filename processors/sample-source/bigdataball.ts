// BigDataBall-style play-by-play: one flat row per event with the CSV column names
// (remaining_time/elapsed/play_length as H:MM:SS, event_type, result, steal/block as
// columns on the same row). Lineup columns (a1..h5) are not modelled and stay "".

import type { Day } from './day.js';
import { clockLeft, expandPlays, type Action } from './events.js';
import { courtXY } from './nba-boxscore.js';
import { league } from './rosters.js';

function hms(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}


export function bigdataballPlayByPlay(d: Day, gameId: string) {
  const sim = d.sim(gameId);
  const players = league(d.seed).byId;
  const g = sim.game;
  const tri = [g.away, g.home];
  const name = (pid: number | null | undefined) => (pid ? (players.get(pid)?.name ?? '') : '');
  const actions = expandPlays(sim).filter((a) => a.kind !== 'block' && a.kind !== 'steal');
  let prevT = 0;
  return actions.map((a: Action, i) => {
    const periodStart = (a.period - 1) * 720;
    const length = a.kind === 'period-start' ? 0 : a.t - prevT;
    prevT = a.t;
    const who = name(a.pid);
    const shot = a.kind === 'fg';
    const xy = shot ? courtXY(a) : null;
    const eventType =
      a.kind === 'period-start' ? 'start of period'
      : a.kind === 'period-end' ? 'end of period'
      : a.kind === 'jumpball' ? 'jump ball'
      : a.kind === 'fg' ? (a.made ? 'shot' : 'miss')
      : a.kind === 'ft' ? 'free throw'
      : a.kind;
    const type =
      a.kind === 'fg' ? `${a.three ? '3pt ' : ''}${a.descriptor ? `${a.descriptor} ` : ''}${(a.subType ?? '').toLowerCase()}`.trim()
      : a.kind === 'ft' ? `Free Throw ${a.technical ? 'Technical ' : ''}${a.ftNum} of ${a.ftOf}`
      : a.kind === 'rebound' ? (a.offensive ? 'rebound offensive' : 'rebound defensive')
      : a.kind === 'turnover' ? (a.subType ?? '').toLowerCase()
      : a.kind === 'foul' ? `${(a.subType ?? 'personal').toLowerCase()}`
      : '';
    const row: Record<string, string | number | null> = {
      game_id: gameId,
      data_set: '2025-2026 Regular Season',
      date: g.date,
      a1: '', a2: '', a3: '', a4: '', a5: '', h1: '', h2: '', h3: '', h4: '', h5: '',
      period: a.period,
      away_score: a.scoreAway,
      home_score: a.scoreHome,
      remaining_time: hms(clockLeft(a.t, a.period)),
      elapsed: hms(a.t - periodStart),
      play_length: hms(length),
      play_id: i + 1,
      team: a.side === null ? '' : (tri[a.side] ?? ''),
      event_type: eventType,
      assist: a.kind === 'fg' ? name(a.ast) : '',
      away: a.kind === 'jumpball' ? name(a.drawn) : '',
      home: a.kind === 'jumpball' ? who : '',
      block: a.kind === 'fg' ? name(a.blk) : '',
      entered: '',
      left: '',
      num: a.kind === 'ft' ? (a.ftNum ?? null) : null,
      opponent: a.kind === 'foul' ? name(a.drawn) : '',
      outof: a.kind === 'ft' ? (a.ftOf ?? null) : null,
      player: a.kind === 'jumpball' ? '' : who,
      points: a.kind === 'fg' || a.kind === 'ft' ? a.pts : null,
      possession: a.kind === 'jumpball' ? who : '',
      reason: a.kind === 'turnover' || a.kind === 'foul' ? (a.subType ?? '') : '',
      result: a.kind === 'fg' || a.kind === 'ft' ? (a.made ? 'made' : 'missed') : '',
      steal: a.kind === 'turnover' ? name(a.stl) : '',
      type,
      shot_distance: shot ? (a.dist ?? null) : null,
      original_x: xy ? xy.x : null,
      original_y: xy ? xy.y : null,
      converted_x: xy ? Math.round((25 - xy.x / 10) * 10) / 10 : null,
      converted_y: xy ? Math.round((5.25 + xy.y / 10) * 10) / 10 : null,
      description: '',
    };
    row.description =
      a.kind === 'fg' ? `${who} ${a.made ? 'makes' : 'misses'} ${a.three ? '3-pt' : '2-pt'} ${(a.subType ?? '').toLowerCase()} from ${a.dist} ft${a.ast ? ` (assist by ${name(a.ast)})` : ''}${a.blk ? ` (block by ${name(a.blk)})` : ''}`
      : a.kind === 'ft' ? `${who} ${a.made ? 'makes' : 'misses'} free throw ${a.ftNum} of ${a.ftOf}`
      : a.kind === 'rebound' ? `${a.offensive ? 'Offensive' : 'Defensive'} rebound by ${who}`
      : a.kind === 'turnover' ? `Turnover by ${who} (${(a.subType ?? '').toLowerCase()}${a.stl ? `; steal by ${name(a.stl)}` : ''})`
      : a.kind === 'foul' ? `${a.subType} foul by ${who}${a.drawn ? ` (drawn by ${name(a.drawn)})` : ''}`
      : a.kind === 'jumpball' ? `Jump ball: ${who} vs. ${name(a.drawn)}`
      : eventType;
    return row;
  });
}
