// objects/nbac_scoreboard_v2 → nba_raw.nbac_scoreboard_v2: one row per game (scores, status) from the
// latest scoreboard object of the date.
import { defineProcessor } from 'pipeline/processor';
import { SCOREBOARD_SHAPE, type ScoreboardBody } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { latestOf, parseObject } from './lib/objects.js';
import { intOrNull } from './lib/values.js';

export default defineProcessor('nbac_scoreboard_v2_processor', {
  async run(ctx) {
    const latest = latestOf(await ctx.readObjects('objects/nbac_scoreboard_v2'));
    if (!latest) return ctx.write([]);
    const body = parseObject<ScoreboardBody>(latest, SCOREBOARD_SHAPE).body;
    ctx.write(body.scoreboard.games.map((g) => ({
      game_date: ctx.partition,
      game_id: g.gameId,
      home_team_abbr: teamAbbr(g.homeTeam.teamTricode) ?? g.homeTeam.teamTricode,
      away_team_abbr: teamAbbr(g.awayTeam.teamTricode) ?? g.awayTeam.teamTricode,
      home_score: intOrNull(g.homeTeam.score),
      away_score: intOrNull(g.awayTeam.score),
      game_status: g.gameStatusText,
    })));
  },
});
