// stats.nba.com team box scores, one per game → objects/nbac_team_boxscore at
// nba-com/team-boxscore/{date}/{game_id}/{ts}.json; {ts} is the game's tip-off from the schedule (the
// payload has no time of its own). Not published yet (404): skipped until a later run.
import { defineProcessor } from '../../engine/runtime/processor.js';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { fetchJsonUnless404 } from './lib/fetch.js';
import { mapLimit } from './lib/limit.js';
import { fetchSchedule } from './lib/nba-schedule.js';
import { pathSafe } from './lib/paths.js';
import { resultSetRows } from './lib/shape.js';
import { TEAM_STATS_HEADERS } from './lib/source-shapes.js';
import { pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_team_boxscore', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'NBA_COM_BASE_URL');
    const { games } = await fetchSchedule(ctx, date);
    let written = 0;
    await mapLimit(games, 4, async (g) => {
      const url = sourceUrl(base, '/nba-com/boxscore/teams', { date, game_id: g.gameId });
      const body = await fetchJsonUnless404<unknown>(ctx, url);
      if (body === undefined) return void ctx.log.warn(`team box score of ${g.gameId} not published yet (404)`, { url });
      if (!resultSetRows(body, 'TeamStats', TEAM_STATS_HEADERS, url).length) return void ctx.log.warn(`team box score of ${g.gameId} has no rows yet`);
      await ctx.putObject('objects/nbac_team_boxscore', `nba-com/team-boxscore/${date}/${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`, body as object);
      written++;
    });
    ctx.log.info(`${written}/${games.length} team box scores written for ${date}`);
  },
});
