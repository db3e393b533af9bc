// stats.nba.com player box scores (boxscoretraditionalv2), one per game → objects/nbac_player_boxscore at
// nba-com/player-boxscores/{date}/{game_id}/{ts}.json. The payload has no time of its own: {ts} is the
// game's tip-off from the schedule, so a re-scrape rewrites the same object and a corrected box score
// changes it in place. Box scores not published yet (404) are skipped until a later run.
import { defineProcessor } from 'pipeline/processor';
import { pathSafe } from './lib/paths.js';
import { scrapePerGame } from './lib/per-game.js';
import { resultSetRows } from './lib/shape.js';
import { PLAYER_STATS_HEADERS } from './lib/source-shapes.js';
import { pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_player_boxscore', {
  run: (ctx) =>
    scrapePerGame(ctx, {
      collection: 'objects/nbac_player_boxscore',
      source: 'NBA_COM_BASE_URL',
      endpoint: '/nba-com/boxscore/players',
      query: (g) => ({ game_id: g.gameId }),
      what: 'player box score',
      validate: (raw) => raw as object,
      notReady: (body, url) => (!resultSetRows(body, 'PlayerStats', PLAYER_STATS_HEADERS, url).length ? 'has no rows yet' : undefined),
      path: (_body, g, date) => `nba-com/player-boxscores/${date}/${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`,
    }),
});
