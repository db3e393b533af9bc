// Deterministic nba_raw rows for processor tests, rendered from the sample source's pure functions
// (no HTTP, no phase-1/2 code): schedule, scoreboard, gamebooks, team box scores, nba.com and
// BigDataBall play-by-play, injury report snapshots and points props, mapped into the columns of
// pipeline.yaml's nba_raw tables. A few choices make the fallbacks reachable: some games have only
// BigDataBall play-by-play, and some players have only BettingPros lines.
import {
  boxscoreTeams, bigdataballPlayByPlay, gamebooks, gamesOn, injuryReport, oddsEventId, oddsPlayerProps, playByPlay,
  PROP_SNAPSHOTS, REPORT_TIMES, scoreboard, TEAMS, toLookup,
} from '../../processors/sample-source/index.js';

export type Row = Record<string, unknown>;
/** nba_raw table name → partition date → rows. */
export type RawFixture = Record<string, Record<string, Row[]>>;

export const RAW_TABLES = [
  'nbac_schedule', 'nbac_scoreboard_v2', 'nbac_gamebook_player_stats', 'nbac_player_boxscores', 'nbac_team_boxscore', 'nbac_play_by_play',
  'nbac_injury_report', 'odds_api_player_points_props', 'bettingpros_player_points_props', 'bigdataball_play_by_play',
] as const;
export type RawTable = (typeof RAW_TABLES)[number];

export interface FixtureOptions {
  /** Every Nth game of a date (by index) has no nba.com play-by-play, only BigDataBall's. */
  bdbOnlyEvery?: number;
  /** Every Nth player with a line (by order of appearance) is offered by BettingPros only. */
  bettingprosOnlyEvery?: number;
}

const teamAbbrByName = new Map<string, string>();
for (const t of TEAMS) {
  teamAbbrByName.set(t.fullName, t.abbr);
  teamAbbrByName.set(`${t.city} ${t.name}`, t.abbr);
}

const minutesOf = (m: string | null | undefined) => {
  if (!m) return null;
  const [mm, ss] = m.split(':').map(Number);
  return Math.round((mm! + (ss ?? 0) / 60) * 100) / 100;
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function tableRows(set: Obj, name: string): Obj[] {
  const rs = (set.resultSets as Obj[]).find((r) => r.name === name)!;
  return (rs.rowSet as unknown[][]).map((r) => Object.fromEntries((rs.headers as string[]).map((h, i) => [h, r[i]])));
}

function zoneOf(area: string | undefined, actionType: string): string | null {
  if (actionType === '3pt') return 'three';
  if (area === 'Restricted Area' || area === 'In The Paint (Non-RA)') return 'paint';
  if (area === 'Mid-Range') return 'mid_range';
  return null;
}

/** Raw rows for `dates` (each date independent of the others, as the sample source guarantees). */
export function buildRawFixture(seed: number, dates: readonly string[], opts: FixtureOptions = {}): RawFixture {
  const out: RawFixture = Object.fromEntries(RAW_TABLES.map((t) => [t, {} as Record<string, Row[]>]));
  const add = (t: RawTable, d: string, rows: Row[]) => void (out[t]![d] = [...(out[t]![d] ?? []), ...rows]);
  const bdbEvery = opts.bdbOnlyEvery ?? 4;
  const bpEvery = opts.bettingprosOnlyEvery ?? 7;

  for (const d of dates) {
    const games = gamesOn(seed, d);
    for (const g of games) add('nbac_schedule', d, [{ game_date: d, game_id: g.gameId, game_code: g.gameCode, home_team_abbr: g.home, away_team_abbr: g.away, start_time_et: g.startEt, arena: null, season: '2025-26' }]);

    const sb = scoreboard(seed, d) as Obj;
    for (const g of sb.scoreboard.games as Obj[]) {
      add('nbac_scoreboard_v2', d, [{ game_date: d, game_id: g.gameId, home_team_abbr: g.homeTeam.teamTricode, away_team_abbr: g.awayTeam.teamTricode, home_score: g.homeTeam.score, away_score: g.awayTeam.score, game_status: g.gameStatusText }]);
    }

    const lookupById = new Map<number, string>();
    const books = (gamebooks(seed, d) as Obj).gamebooks as Obj[];
    books.forEach((b, gi) => {
      const [t0, t1] = b.teams as Obj[];
      for (const [tm, opp] of [[t0!, t1!], [t1!, t0!]] as const) {
        for (const p of tm.players as Obj[]) {
          lookupById.set(p.player_id, p.player_lookup);
          const active = p.status === 'active';
          add('nbac_gamebook_player_stats', d, [{
            game_date: d, game_id: b.game_id, game_code: b.game_code, player_lookup: p.player_lookup, player_name: p.player_name,
            team_abbr: tm.team_abbr, opponent_team_abbr: opp.team_abbr, is_home: tm.side === 'home', player_status: p.status, dnp_reason: p.dnp_reason ?? null,
            is_starter: !!p.starter, minutes: active ? minutesOf(p.minutes) : null, points: active ? p.pts : null, fgm: active ? p.fgm : null, fga: active ? p.fga : null,
            three_pm: active ? p.fg3m : null, three_pa: active ? p.fg3a : null, ftm: active ? p.ftm : null, fta: active ? p.fta : null, rebounds: active ? p.reb : null,
            assists: active ? p.ast : null, turnovers: active ? p.tov : null, plus_minus: active ? p.plus_minus : null,
          }]);
        }
      }
      const ts = tableRows(boxscoreTeams(seed, d, b.game_id), 'TeamStats');
      for (const [i, r] of ts.entries()) {
        const o = ts[1 - i]!;
        const side = (b.teams as Obj[]).find((t) => t.team_abbr === r.TEAM_ABBREVIATION)!.side;
        add('nbac_team_boxscore', d, [{
          game_date: d, game_id: b.game_id, team_abbr: r.TEAM_ABBREVIATION, opponent_team_abbr: o.TEAM_ABBREVIATION, is_home: side === 'home',
          points: r.PTS, fgm: r.FGM, fga: r.FGA, three_pm: r.FG3M, three_pa: r.FG3A, ftm: r.FTM, fta: r.FTA,
          offensive_rebounds: r.OREB, defensive_rebounds: r.DREB, assists: r.AST, turnovers: r.TO,
        }]);
      }
      if (gi % bdbEvery !== bdbEvery - 1) {
        const actions = (playByPlay(seed, d, b.game_id) as Obj).game.actions as Obj[];
        add('nbac_play_by_play', d, actions.map((a) => {
          const shot = a.actionType === '2pt' || a.actionType === '3pt';
          const made = a.shotResult === 'Made';
          return {
            game_date: d, game_id: b.game_id, event_num: a.actionNumber, period: a.period, clock: a.clock, event_type: a.actionType,
            team_abbr: a.teamTricode ?? null, player_lookup: a.personId ? lookupById.get(a.personId) ?? null : null,
            shot_distance_ft: shot ? a.shotDistance ?? null : null, shot_zone: shot ? zoneOf(a.area, a.actionType) : null,
            shot_made: shot || a.actionType === 'freethrow' ? made : null,
            points: made ? (a.actionType === '3pt' ? 3 : a.actionType === '2pt' ? 2 : 1) : 0,
          };
        }));
      }
      // BigDataBall for every game (it is the enrichment / fallback feed).
      const rows = bigdataballPlayByPlay(seed, d, b.game_id) as Obj[];
      add('bigdataball_play_by_play', d, rows.map((r) => ({
        game_date: d, game_id: b.game_id, event_id: r.play_id, period: r.period, event_type: r.event_type, player_lookup: r.player ? toLookup(r.player) : null,
        team_abbr: r.team || null, shot_distance_ft: r.shot_distance ?? null, result: r.result || null, points: r.points ?? null,
      })));
    });

    for (const time of REPORT_TIMES) {
      const rep = injuryReport(seed, d, time) as Obj;
      if (!rep.report_time) continue;
      add('nbac_injury_report', d, (rep.entries as Obj[]).map((e) => {
        const [last, first] = String(e.player_name).split(', ');
        const abbr = teamAbbrByName.get(e.team) ?? null;
        const g = games.find((x) => x.home === abbr || x.away === abbr);
        return { game_date: d, report_time: `${d}T${rep.report_time}`, player_lookup: toLookup(`${first} ${last}`), team_abbr: abbr, game_id: g?.gameId ?? null, status: e.current_status, reason: e.reason };
      }));
    }

    const gameByEvent = new Map(games.map((g) => [oddsEventId(seed, g.gameId), g.gameId] as const));
    const order: string[] = [];
    PROP_SNAPSHOTS.forEach((_, snapshot) => {
      const res = oddsPlayerProps(seed, d, { snapshot }) as Obj;
      for (const ev of (res.data ?? []) as Obj[]) {
        for (const bk of ev.bookmakers as Obj[]) {
          for (const m of bk.markets as Obj[]) {
            const byPlayer = new Map<string, Obj>();
            for (const o of m.outcomes as Obj[]) {
              const lk = toLookup(o.description);
              const r = byPlayer.get(lk) ?? { game_date: d, event_id: ev.id, game_id: gameByEvent.get(ev.id) ?? null, bookmaker: bk.key, player_lookup: lk, snapshot_time: res.timestamp, points_line: o.point };
              if (o.name === 'Over') r.over_price = o.price;
              else r.under_price = o.price;
              byPlayer.set(lk, r);
            }
            for (const [lk, r] of byPlayer) {
              if (!order.includes(lk)) order.push(lk);
              const bpOnly = order.indexOf(lk) % bpEvery === bpEvery - 1;
              if (bpOnly) add('bettingpros_player_points_props', d, [{ game_date: d, bookmaker: bk.key, player_lookup: lk, snapshot_time: r.snapshot_time, points_line: r.points_line, over_price: r.over_price, under_price: r.under_price }]);
              else add('odds_api_player_points_props', d, [r]);
            }
          }
        }
      }
    });
  }
  return out;
}
