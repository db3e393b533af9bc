// nba.com-shaped per-game renderings: parsed gamebooks (with DNP/inactive reasons and
// shot-zone splits), stats.nba.com box scores (resultSets/headers/rowSet) and the
// liveData play-by-play (game.actions[]). All read the same GameBox / plays.

import type { PlayerBox, StatLine, TeamBox } from './boxscore.js';
import { addDays, etToUtcIso } from './dates.js';
import type { Day } from './day.js';
import { clockLeft, expandPlays, type Action } from './events.js';
import { league } from './rosters.js';
import { team } from './teams.js';

export function minutesText(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function statFields(s: StatLine) {
  return {
    pts: s.pts, fgm: s.fgm, fga: s.fga, fg3m: s.fg3m, fg3a: s.fg3a,
    paint_fgm: s.paintFgm, paint_fga: s.paintFga, mid_fgm: s.midFgm, mid_fga: s.midFga,
    ftm: s.ftm, fta: s.fta, oreb: s.oreb, dreb: s.dreb, reb: s.reb, ast: s.ast, stl: s.stl,
    blk: s.blk, tov: s.tov, pf: s.pf, plus_minus: s.plusMinus,
  };
}

function gamebookPlayer(tb: TeamBox, pb: PlayerBox) {
  const p = pb.participant;
  return {
    team_abbr: tb.team.abbr,
    player_id: p.player.id,
    player_name: p.player.name,
    player_lookup: p.player.lookup,
    jersey: p.player.jersey,
    position: p.player.position,
    starter: p.starter,
    status: p.status,
    dnp_reason: p.reason,
    minutes: pb.stats ? minutesText(pb.stats.seconds) : null,
    ...(pb.stats ? statFields(pb.stats) : {}),
  };
}

export function gamebookFor(d: Day, gameId: string) {
  const box = d.box(gameId);
  const g = box.game;
  const h = team(g.home);
  return {
    game_code: g.gameCode,
    game_id: g.gameId,
    game_date: g.date,
    start_time_et: g.startEt,
    arena: h.arena,
    city: h.arenaCity,
    state: h.arenaState,
    status: 'Final',
    teams: box.teams.map((tb) => ({
      side: tb.side === 0 ? 'away' : 'home',
      team_abbr: tb.team.abbr,
      team_id: tb.team.id,
      team_name: `${tb.team.city} ${tb.team.name}`,
      score: tb.score,
      line_score: tb.periods,
      players: tb.players.map((pb) => gamebookPlayer(tb, pb)),
      totals: { minutes: minutesText(tb.totals.seconds), ...statFields(tb.totals) },
    })),
  };
}

export function gamebooks(d: Day) {
  return { game_date: d.date, gamebooks: d.games.map((g) => gamebookFor(d, g.gameId)) };
}

const pct = (m: number, a: number) => (a ? Math.round((m / a) * 1000) / 1000 : 0);

const PLAYER_HEADERS = [
  'GAME_ID', 'TEAM_ID', 'TEAM_ABBREVIATION', 'TEAM_CITY', 'PLAYER_ID', 'PLAYER_NAME', 'NICKNAME', 'START_POSITION', 'COMMENT',
  'MIN', 'FGM', 'FGA', 'FG_PCT', 'FG3M', 'FG3A', 'FG3_PCT', 'FTM', 'FTA', 'FT_PCT', 'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TO', 'PF', 'PTS', 'PLUS_MINUS',
];
const ZONE_HEADERS = ['GAME_ID', 'TEAM_ID', 'PLAYER_ID', 'PLAYER_NAME', 'PAINT_FGM', 'PAINT_FGA', 'MID_FGM', 'MID_FGA', 'FG3M', 'FG3A'];

function statCells(s: StatLine | null): Array<number | string | null> {
  if (!s) return new Array<null>(20).fill(null);
  return [
    minutesText(s.seconds), s.fgm, s.fga, pct(s.fgm, s.fga), s.fg3m, s.fg3a, pct(s.fg3m, s.fg3a), s.ftm, s.fta, pct(s.ftm, s.fta),
    s.oreb, s.dreb, s.reb, s.ast, s.stl, s.blk, s.tov, s.pf, s.pts, s.plusMinus,
  ];
}

export function boxscorePlayers(d: Day, gameId: string) {
  const box = d.box(gameId);
  const rows: unknown[][] = [];
  const zones: unknown[][] = [];
  for (const tb of box.teams) {
    for (const pb of tb.players) {
      const p = pb.participant;
      const startPos = p.starter ? (p.player.position === 'C' ? 'C' : p.player.position.endsWith('G') ? 'G' : 'F') : '';
      rows.push([gameId, tb.team.id, tb.team.abbr, tb.team.city, p.player.id, p.player.name, p.player.firstName, startPos, p.reason ?? '', ...statCells(pb.stats)]);
      if (pb.stats) zones.push([gameId, tb.team.id, p.player.id, p.player.name, pb.stats.paintFgm, pb.stats.paintFga, pb.stats.midFgm, pb.stats.midFga, pb.stats.fg3m, pb.stats.fg3a]);
    }
  }
  return {
    resource: 'boxscore',
    parameters: { GameID: gameId, StartPeriod: 0, EndPeriod: 10, RangeType: 0 },
    resultSets: [
      { name: 'PlayerStats', headers: PLAYER_HEADERS, rowSet: rows },
      { name: 'PlayerShotZones', headers: ZONE_HEADERS, rowSet: zones },
    ],
  };
}

export function boxscoreTeams(d: Day, gameId: string) {
  const box = d.box(gameId);
  const headers = ['GAME_ID', 'TEAM_ID', 'TEAM_NAME', 'TEAM_ABBREVIATION', 'TEAM_CITY', ...PLAYER_HEADERS.slice(9)];
  return {
    resource: 'boxscore',
    parameters: { GameID: gameId, StartPeriod: 0, EndPeriod: 10, RangeType: 0 },
    resultSets: [
      {
        name: 'TeamStats',
        headers,
        rowSet: box.teams.map((tb) => [gameId, tb.team.id, tb.team.name, tb.team.abbr, tb.team.city, ...statCells(tb.totals)]),
      },
      {
        name: 'LineScore',
        headers: ['GAME_DATE_EST', 'GAME_ID', 'TEAM_ID', 'TEAM_ABBREVIATION', 'TEAM_CITY_NAME', 'TEAM_NICKNAME', 'PTS_QTR1', 'PTS_QTR2', 'PTS_QTR3', 'PTS_QTR4', 'PTS'],
        rowSet: box.teams.map((tb) => [`${box.game.date}T00:00:00`, gameId, tb.team.id, tb.team.abbr, tb.team.city, tb.team.name, ...tb.periods, tb.score]),
      },
    ],
  };
}

export function areaOf(a: Action): string {
  if (a.three) return a.dist === 22 ? ((a.angle ?? 0) > 0 ? 'Left Corner 3' : 'Right Corner 3') : 'Above the Break 3';
  if ((a.dist ?? 0) <= 3) return 'Restricted Area';
  if ((a.dist ?? 0) <= 8) return 'In The Paint (Non-RA)';
  return 'Mid-Range';
}

export function courtXY(a: Action): { x: number; y: number } {
  const d = (a.dist ?? 0) * 10;
  return { x: Math.round(-d * Math.sin(a.angle ?? 0)), y: Math.round(d * Math.cos(a.angle ?? 0)) };
}

function clockText(seconds: number): string {
  return `PT${String(Math.floor(seconds / 60)).padStart(2, '0')}M${String(seconds % 60).padStart(2, '0')}.00S`;
}

export function playByPlay(d: Day, gameId: string) {
  const sim = d.sim(gameId);
  const players = league(d.seed).byId;
  const g = sim.game;
  const startIso = etToUtcIso(g.date, g.startEt);
  const startSec = Number(startIso.slice(11, 13)) * 3600 + Number(startIso.slice(14, 16)) * 60;
  const days = [startIso.slice(0, 10), addDays(startIso.slice(0, 10), 1)];
  // Wall clock of an action: tip-off plus scaled game time (a game lasts ~2h15).
  const wallClock = (gameSeconds: number): string => {
    const s = startSec + Math.round(gameSeconds);
    const sod = s % 86400;
    const two = (n: number) => String(n).padStart(2, '0');
    return `${days[s >= 86400 ? 1 : 0]}T${two(Math.floor(sod / 3600))}:${two(Math.floor((sod % 3600) / 60))}:${two(sod % 60)}Z`;
  };
  const tri = [g.away, g.home];
  const totals = new Map<string, number>();
  const bump = (pid: number, k: string, by = 1) => {
    const key = `${pid}:${k}`;
    const v = (totals.get(key) ?? 0) + by;
    totals.set(key, v);
    return v;
  };
  const nameOf = (pid: number | null | undefined) => (pid ? (players.get(pid)?.lastName ?? '') : '');
  const actions = expandPlays(sim).map((a) => {
    const p = a.pid ? players.get(a.pid) : undefined;
    const base = {
      actionNumber: a.n,
      clock: clockText(clockLeft(a.t, a.period)),
      timeActual: wallClock(a.t * 2.7 + (a.period - 1) * 420),
      period: a.period,
      periodType: 'REGULAR',
      teamId: a.side === null ? null : team(tri[a.side] ?? '').id,
      teamTricode: a.side === null ? null : tri[a.side],
      personId: a.pid ?? 0,
      playerName: p?.lastName ?? null,
      playerNameI: p ? `${p.firstName.slice(0, 1)}. ${p.lastName}` : null,
      scoreHome: String(a.scoreHome),
      scoreAway: String(a.scoreAway),
      orderNumber: a.n * 10000,
      isFieldGoal: a.kind === 'fg' ? 1 : 0,
    };
    const who = nameOf(a.pid);
    switch (a.kind) {
      case 'period-start':
      case 'period-end':
        return Object.assign(base, { actionType: 'period', subType: a.kind === 'period-start' ? 'start' : 'end', description: `Period ${a.kind === 'period-start' ? 'Start' : 'End'}` });
      case 'jumpball':
        return Object.assign(base, { actionType: 'jumpball', subType: 'recovered', jumpBallWonPersonId: a.pid, jumpBallLostPersonId: a.drawn ?? 0, description: `Jump Ball ${who} vs. ${nameOf(a.drawn)}` });
      case 'fg': {
        const pts = a.made ? bump(a.pid ?? 0, 'pts', a.pts) : totals.get(`${a.pid}:pts`) ?? 0;
        const astTotal = a.ast ? bump(a.ast, 'ast') : 0;
        const { x, y } = courtXY(a);
        const shotName = `${a.descriptor ? `${a.descriptor.replace(/\b\w/g, (c) => c.toUpperCase())} ` : ''}${a.subType}`;
        const desc = `${a.made ? '' : 'MISS '}${who} ${a.dist}' ${a.three ? '3PT ' : ''}${shotName}${a.made ? ` (${pts} PTS)` : ''}${a.ast ? ` (${nameOf(a.ast)} ${astTotal} AST)` : ''}`;
        return Object.assign(base, {
          actionType: a.three ? '3pt' : '2pt', subType: a.subType, descriptor: a.descriptor || null,
          shotResult: a.made ? 'Made' : 'Missed', shotDistance: a.dist, area: areaOf(a), xLegacy: x, yLegacy: y,
          ...(a.ast ? { assistPersonId: a.ast, assistPlayerNameInitial: nameOf(a.ast), assistTotal: astTotal } : {}),
          ...(a.blk ? { blockPersonId: a.blk, blockPlayerName: nameOf(a.blk) } : {}),
          pointsTotal: pts, description: desc,
        });
      }
      case 'ft': {
        const pts = a.made ? bump(a.pid ?? 0, 'pts', 1) : totals.get(`${a.pid}:pts`) ?? 0;
        const sub = `${a.technical ? 'technical ' : ''}${a.ftNum} of ${a.ftOf}`;
        return Object.assign(base, { actionType: 'freethrow', subType: sub, shotResult: a.made ? 'Made' : 'Missed', pointsTotal: pts, description: `${a.made ? '' : 'MISS '}${who} Free Throw ${a.technical ? 'Technical ' : ''}${a.ftNum} of ${a.ftOf}${a.made ? ` (${pts} PTS)` : ''}` });
      }
      case 'rebound': {
        const off = a.offensive ? bump(a.pid ?? 0, 'oreb') : totals.get(`${a.pid}:oreb`) ?? 0;
        const def = a.offensive ? totals.get(`${a.pid}:dreb`) ?? 0 : bump(a.pid ?? 0, 'dreb');
        return Object.assign(base, { actionType: 'rebound', subType: a.offensive ? 'offensive' : 'defensive', shotActionNumber: a.shotN, reboundTotal: off + def, reboundOffensiveTotal: off, reboundDefensiveTotal: def, description: `${who} REBOUND (Off:${off} Def:${def})` });
      }
      case 'block':
        return Object.assign(base, { actionType: 'block', subType: '', shotActionNumber: a.shotN, description: `${who} BLOCK (${bump(a.pid ?? 0, 'blk')} BLK)` });
      case 'steal':
        return Object.assign(base, { actionType: 'steal', subType: '', description: `${who} STEAL (${bump(a.pid ?? 0, 'stl')} STL)` });
      case 'turnover': {
        const n = bump(a.pid ?? 0, 'tov');
        return Object.assign(base, { actionType: 'turnover', subType: (a.subType ?? '').toLowerCase(), turnoverTotal: n, ...(a.stl ? { stealPersonId: a.stl, stealPlayerName: nameOf(a.stl) } : {}), description: `${who} ${a.subType} TURNOVER (${n} TO)` });
      }
      case 'foul': {
        const n = bump(a.pid ?? 0, 'pf');
        return Object.assign(base, { actionType: 'foul', subType: (a.subType ?? 'personal').toLowerCase(), foulPersonalTotal: n, foulDrawnPersonId: a.drawn ?? null, foulDrawnPlayerName: nameOf(a.drawn) || null, description: `${who} ${a.subType === 'Shooting' ? 'S.FOUL' : 'P.FOUL'} (P${n}.T0) (${nameOf(a.drawn)})` });
      }
    }
  });
  return { meta: { version: 1, code: 200, request: `playbyplay_${gameId}.json` }, game: { gameId, actions } };
}
