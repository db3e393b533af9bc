// stats.nba.com player box scores (boxscoretraditionalv2), one per game → objects/nbac_player_boxscore at
// nba-com/player-boxscores/{date}/{game_id}/{ts}.json. The payload has no time of its own: {ts} is the
// game's tip-off from the schedule, so a re-scrape rewrites the same object and a corrected box score
// changes it in place. Box scores not published yet (404) are skipped until a later run.
import { defineProcessor } from '../../engine/runtime/processor.js';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { fetchJsonUnless404 } from './lib/fetch.js';
import { mapLimit } from './lib/limit.js';
import { fetchSchedule } from './lib/nba-schedule.js';
import { pathSafe } from './lib/paths.js';
import { resultSetRows } from './lib/shape.js';
import { PLAYER_STATS_HEADERS } from './lib/source-shapes.js';
import { pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_player_boxscore', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'NBA_COM_BASE_URL');
    const { games } = await fetchSchedule(ctx, date);
    let written = 0;
    await mapLimit(games, 4, async (g) => {
      const url = sourceUrl(base, '/nba-com/boxscore/players', { date, game_id: g.gameId });
      const body = await fetchJsonUnless404<unknown>(ctx, url);
      if (body === undefined) return void ctx.log.warn(`player box score of ${g.gameId} not published yet (404)`, { url });
      if (!resultSetRows(body, 'PlayerStats', PLAYER_STATS_HEADERS, url).length) return void ctx.log.warn(`player box score of ${g.gameId} has no rows yet`);
      await ctx.putObject('objects/nbac_player_boxscore', `nba-com/player-boxscores/${date}/${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`, body as object);
      written++;
    });
    ctx.log.info(`${written}/${games.length} player box scores written for ${date}`);
  },
});
