// nba.com schedule of one date → objects/nbac_schedule at nba-com/schedule/{date}/{ts}.json.
// {ts}: the source's generation time (meta.time) when it reports one, else the start of the game day
// (ET) — one object per date, rewritten in place when the schedule changes. No games: nothing written.
import { defineProcessor } from 'pipeline/processor';
import { fetchSchedule } from './lib/nba-schedule.js';
import { etToUtcMs, objectTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_schedule', {
  async run(ctx) {
    const date = ctx.partition;
    const { url, body, games } = await fetchSchedule(ctx, date);
    if (!games.length) {
      ctx.log.info(`no games on ${date}: nothing written`);
      return;
    }
    const ts = objectTs(body.meta?.time, etToUtcMs(date, '00:00'), url);
    await ctx.putObject('objects/nbac_schedule', `nba-com/schedule/${date}/${ts}.json`, body);
    ctx.log.info(`schedule of ${date}: ${games.length} games`);
  },
});
