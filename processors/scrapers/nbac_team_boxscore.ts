// stats.nba.com team box scores, one per game → objects/nbac_team_boxscore at
// nba-com/team-boxscore/{date}/{game_id}/{ts}.json; {ts} is the game's tip-off from the schedule (the
// payload has no time of its own). Not published yet (404): skipped until a later run.
import { defineProcessor } from 'pipeline/processor';
import { pathSafe } from './lib/paths.js';
import { scrapePerGame } from './lib/per-game.js';
import { resultSetRows } from './lib/shape.js';
import { TEAM_STATS_HEADERS } from './lib/source-shapes.js';
import { pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_team_boxscore', {
  run: (ctx) =>
    scrapePerGame(ctx, {
      collection: 'objects/nbac_team_boxscore',
      source: 'NBA_COM_BASE_URL',
      endpoint: '/nba-com/boxscore/teams',
      query: (g) => ({ game_id: g.gameId }),
      what: 'team box score',
      validate: (raw) => raw as object,
      notReady: (body, url) => (!resultSetRows(body, 'TeamStats', TEAM_STATS_HEADERS, url).length ? 'has no rows yet' : undefined),
      path: (_body, g, date) => `nba-com/team-boxscore/${date}/${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`,
    }),
});
