// objects/nbac_team_boxscore (+ objects/nbac_schedule for home/away, which the box score does not
// carry) → nba_raw.nbac_team_boxscore: two rows per game from each game's latest team box score.
import { defineProcessor, SourceFormatError } from 'pipeline/processor';
import { resultSetRows } from '../scrapers/lib/shape.js';
import { TEAM_STATS_HEADERS } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { latestPerFolder, parseObject } from './lib/objects.js';
import { gameIndex } from './lib/schedule-index.js';
import { intOrNull } from './lib/values.js';

export default defineProcessor('nbac_team_boxscore_processor', {
  async run(ctx) {
    const games = gameIndex(await ctx.readObjects('objects/nbac_schedule'));
    const rows = [];
    for (const o of latestPerFolder(await ctx.readObjects('objects/nbac_team_boxscore'))) {
      const { body } = parseObject<unknown>(o, null);
      const teams = resultSetRows(body, 'TeamStats', TEAM_STATS_HEADERS, `stored object ${o.path}`);
      if (teams.length !== 2) throw new SourceFormatError(`schema drift in stored object ${o.path}: TeamStats has ${teams.length} rows, expected 2`);
      const abbrs = teams.map((t) => teamAbbr(String(t.TEAM_ABBREVIATION)) ?? String(t.TEAM_ABBREVIATION));
      for (const [i, t] of teams.entries()) {
        const gameId = String(t.GAME_ID);
        const game = games.byId(gameId);
        rows.push({
          game_date: ctx.partition,
          game_id: gameId,
          team_abbr: abbrs[i]!,
          opponent_team_abbr: abbrs[1 - i]!,
          is_home: game ? game.home === abbrs[i] : null,
          points: intOrNull(t.PTS),
          fgm: intOrNull(t.FGM),
          fga: intOrNull(t.FGA),
          three_pm: intOrNull(t.FG3M),
          three_pa: intOrNull(t.FG3A),
          ftm: intOrNull(t.FTM),
          fta: intOrNull(t.FTA),
          offensive_rebounds: intOrNull(t.OREB),
          defensive_rebounds: intOrNull(t.DREB),
          assists: intOrNull(t.AST),
          turnovers: intOrNull(t.TO),
        });
      }
    }
    ctx.write(rows);
  },
});
