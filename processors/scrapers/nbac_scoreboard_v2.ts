// nba.com scoreboard of one date → objects/nbac_scoreboard_v2 at nba-com/scoreboard-v2/{date}/{ts}.json.
// {ts}: meta.time when the source reports it, else the start of the game day (ET): re-scraping the same
// scores rewrites the same object; a corrected score changes it in place.
import { defineProcessor } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { expectShape } from './lib/shape.js';
import { SCOREBOARD_SHAPE, type ScoreboardBody } from './lib/source-shapes.js';
import { etToUtcMs, objectTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_scoreboard_v2', {
  async run(ctx) {
    const date = ctx.partition;
    const url = sourceUrl(sourceBaseUrl(ctx, 'NBA_COM_BASE_URL'), '/nba-com/scoreboard', { date });
    const body = expectShape<ScoreboardBody>(await ctx.fetchJson(url), SCOREBOARD_SHAPE, url);
    if (!body.scoreboard.games.length) {
      ctx.log.info(`no games on ${date}: nothing written`);
      return;
    }
    const ts = objectTs(body.meta?.time, etToUtcMs(date, '00:00'), url);
    await ctx.putObject('objects/nbac_scoreboard_v2', `nba-com/scoreboard-v2/${date}/${ts}.json`, body);
  },
});
