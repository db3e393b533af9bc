// Phase 3: one row per player and game from the official gamebook (DNP and inactive players too, with
// played = false) — minutes and points (player box score where the gamebook lacks them), FG by zone
// from the play-by-play (nba.com; BigDataBall for games nba.com lacks), usage rate against the team's
// totals from team_offense_game_summary (read first: it is a critical input), true shooting, and the
// points line (odds-api, BettingPros as fallback). `data_sources` lists the inputs the row drew on.
import { defineProcessor } from 'pipeline/processor';
import { groupBy } from '../shared/group.js';
import { roundOrNull } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { trueShooting, usageRate, REGULATION_TEAM_MINUTES } from './formulas.js';
import { playerLines, type PlayerLine } from './prop-lines.js';
import type { GamebookRow, PlayerBoxscoreRow } from './raw-tables.js';
import { emptyZones, shotsByGame, zoneCounts, type ZoneCounts } from './shots.js';
import type { PlayerGameSummaryRow, TeamOffenseRow } from './tables.js';

export interface PlayerInputs {
  gamebook: readonly GamebookRow[];
  teamOffense: readonly TeamOffenseRow[];
  boxscores: readonly PlayerBoxscoreRow[];
  zonesOf: (gameId: string, player: string) => { zones: ZoneCounts | undefined; source: string | undefined };
  lines: Map<string, PlayerLine>;
}

const zoneTotal = (z: ZoneCounts) => z.paint.fga + z.mid.fga + z.three.fga;

/** A stat from the gamebook, or the player box score when the gamebook left it empty. */
const pick = (a: number | null | undefined, b: number | null | undefined): number | null => (a !== null && a !== undefined ? a : b ?? null);

export function playerGameRows(inp: PlayerInputs): PlayerGameSummaryRow[] {
  const team = new Map(inp.teamOffense.map((t) => [`${t.game_id}|${t.team_abbr}`, t] as const));
  const box = new Map(inp.boxscores.map((b) => [`${b.game_id}|${b.player_lookup}`, b] as const));
  return inp.gamebook.map((g) => {
    const b = box.get(`${g.game_id}|${g.player_lookup}`);
    const minutes = pick(g.minutes, b?.minutes);
    const status = (g.player_status ?? '').toLowerCase();
    const played = status !== 'dnp' && status !== 'inactive' && minutes !== null && minutes > 0;
    const teamAbbr = g.team_abbr ?? b?.team_abbr ?? null;
    const t = teamAbbr ? team.get(`${g.game_id}|${teamAbbr}`) : undefined;
    const sources = ['gamebook'];
    if (b) sources.push('player_boxscore');
    if (t) sources.push('team_offense');

    const stat = (k: 'points' | 'fga' | 'fgm' | 'fta' | 'ftm' | 'three_pa' | 'three_pm' | 'turnovers') => (played ? pick(g[k], b?.[k]) ?? 0 : 0);
    const points = stat('points');
    const fga = stat('fga');
    const fta = stat('fta');
    const found = inp.zonesOf(g.game_id, g.player_lookup);
    // Play-by-play that has none of his attempts (e.g. events without a player id) says nothing about
    // his zones: fall back to the box score rather than report zero attempts everywhere.
    const zones = found.zones && (fga === 0 || zoneTotal(found.zones) > 0) ? found.zones : undefined;
    if (zones && found.source) sources.push(found.source);
    // Without play-by-play, threes still come from the box score; the two-point split is unknown.
    const zoneStat = (z: 'paint' | 'mid', k: 'fga' | 'fgm') => (!played ? 0 : zones ? zones[z][k] : null);

    const usage = played && t && t.fga !== null && t.fta !== null && t.turnovers !== null
      ? usageRate({ fga, fta, tov: stat('turnovers'), minutes: minutes! }, { fga: t.fga, fta: t.fta, tov: t.turnovers, minutes: t.minutes ?? REGULATION_TEAM_MINUTES })
      : null;
    const line = inp.lines.get(g.player_lookup);
    if (line) sources.push(line.source);
    return {
      game_date: g.game_date,
      game_id: g.game_id,
      player_lookup: g.player_lookup,
      team_abbr: teamAbbr,
      opponent_team_abbr: g.opponent_team_abbr ?? t?.opponent_team_abbr ?? null,
      is_home: g.is_home ?? t?.is_home ?? null,
      played,
      minutes: played ? minutes : 0,
      points,
      fga,
      fgm: stat('fgm'),
      paint_fga: zoneStat('paint', 'fga'),
      paint_fgm: zoneStat('paint', 'fgm'),
      mid_fga: zoneStat('mid', 'fga'),
      mid_fgm: zoneStat('mid', 'fgm'),
      three_fga: !played ? 0 : zones ? zones.three.fga : stat('three_pa'),
      three_fgm: !played ? 0 : zones ? zones.three.fgm : stat('three_pm'),
      fta,
      ftm: stat('ftm'),
      usage_rate: roundOrNull(usage, 2),
      true_shooting_pct: played ? roundOrNull(trueShooting(points, fga, fta), 4) : null,
      points_line: line ? line.current : null,
      line_source: line ? line.source : null,
      data_sources: sources.join(','),
    };
  });
}

export default defineProcessor('player_game_summary', {
  async run(ctx) {
    // Team totals first: usage rate is meaningless without them (the engine holds this run until
    // team_offense_game_summary has rows for the date: it is a critical read).
    const teamOffense = await ctx.read('nba_analytics.team_offense_game_summary');
    const gamebook = await ctx.read('nba_raw.nbac_gamebook_player_stats', { scope: ctx.scope });
    const boxscores = await ctx.read('nba_raw.nbac_player_boxscores', { scope: ctx.scope });
    const nbac = await ctx.read('nba_raw.nbac_play_by_play');
    const bdb = await ctx.read('nba_raw.bigdataball_play_by_play');
    const odds = await ctx.read('nba_raw.odds_api_player_points_props', { scope: ctx.scope });
    const bp = await ctx.read('nba_raw.bettingpros_player_points_props', { scope: ctx.scope });

    const { shots, sourceOf } = shotsByGame(nbac, bdb);
    const zones = zoneCounts(shots, (s) => (s.player ? `${s.gameId}|${s.player}` : null));
    const zonesOf = (gameId: string, player: string) => {
      const source = sourceOf.get(gameId);
      // A player with no attempt in a game that has play-by-play took zero shots in every zone.
      return { zones: zones.get(`${gameId}|${player}`) ?? (source ? emptyZones() : undefined), source };
    };
    const rows = inScope(playerGameRows({ gamebook, teamOffense, boxscores, zonesOf, lines: playerLines(odds, bp) }), ctx.scope, { player: 'player_lookup', team: 'team_abbr', game: 'game_id' });

    const mismatched = rows.filter((r) => r.played && r.paint_fga !== null && r.mid_fga !== null && r.three_fga !== null && r.paint_fga + r.mid_fga + r.three_fga !== r.fga);
    if (mismatched.length) ctx.log.warn('play-by-play attempts differ from the gamebook FGA', { players: mismatched.length, sample: mismatched.slice(0, 5).map((r) => r.player_lookup) });
    const noTeam = rows.filter((r) => r.played && r.usage_rate === null);
    if (noTeam.length) ctx.log.warn('no team totals for some players: usage rate left null', { players: noTeam.length });
    ctx.log.info('player game summary', { players: rows.length, played: rows.filter((r) => r.played).length, games: groupBy(rows, (r) => r.game_id).size, with_line: rows.filter((r) => r.points_line !== null).length });
    ctx.write(rows);
  },
});
