// objects/nbac_player_boxscore → nba_raw.nbac_player_boxscores: one row per player of each game's
// latest box score. Players who did not play (COMMENT set, no stats) keep a row with null stats.
import { defineProcessor } from 'pipeline/processor';
import { resultSetRows } from '../scrapers/lib/shape.js';
import { PLAYER_STATS_HEADERS } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { playerLookup } from './lib/names.js';
import { latestPerFolder, parseObject } from './lib/objects.js';
import { intOrNull, minutesOf } from './lib/values.js';

export default defineProcessor('nbac_player_boxscore_processor', {
  async run(ctx) {
    const rows = [];
    for (const o of latestPerFolder(await ctx.readObjects('objects/nbac_player_boxscore'))) {
      const { body } = parseObject<unknown>(o, null);
      for (const r of resultSetRows(body, 'PlayerStats', PLAYER_STATS_HEADERS, `stored object ${o.path}`)) {
        const lookup = playerLookup(String(r.PLAYER_NAME ?? ''));
        if (!lookup) continue;
        const abbr = String(r.TEAM_ABBREVIATION ?? '');
        rows.push({
          game_date: ctx.partition,
          game_id: String(r.GAME_ID),
          player_lookup: lookup,
          team_abbr: teamAbbr(abbr) ?? abbr,
          minutes: minutesOf(r.MIN),
          points: intOrNull(r.PTS),
          fgm: intOrNull(r.FGM),
          fga: intOrNull(r.FGA),
          three_pm: intOrNull(r.FG3M),
          three_pa: intOrNull(r.FG3A),
          ftm: intOrNull(r.FTM),
          fta: intOrNull(r.FTA),
          rebounds: intOrNull(r.REB),
          assists: intOrNull(r.AST),
          turnovers: intOrNull(r.TO),
        });
      }
    }
    ctx.write(rows);
  },
});
