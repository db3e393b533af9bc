// nba.com play-by-play (liveData), one per game → objects/nbac_play_by_play at
// nba-com/play-by-play/{date}/{game_id}/{ts}.json. {ts}: meta.time when reported, else the game's last
// action time (its last update as the source reports it), else the tip-off.
import { defineProcessor } from '../../engine/runtime/processor.js';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { fetchJsonUnless404 } from './lib/fetch.js';
import { mapLimit } from './lib/limit.js';
import { fetchSchedule } from './lib/nba-schedule.js';
import { pathSafe } from './lib/paths.js';
import { expectShape } from './lib/shape.js';
import { PLAY_BY_PLAY_SHAPE, type PlayByPlayBody } from './lib/source-shapes.js';
import { objectTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_play_by_play', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'NBA_COM_BASE_URL');
    const { games } = await fetchSchedule(ctx, date);
    let written = 0;
    await mapLimit(games, 4, async (g) => {
      const url = sourceUrl(base, '/nba-com/play-by-play', { date, game_id: g.gameId });
      const raw = await fetchJsonUnless404<unknown>(ctx, url);
      if (raw === undefined) return void ctx.log.warn(`play-by-play of ${g.gameId} not published yet (404)`, { url });
      const body = expectShape<PlayByPlayBody>(raw, PLAY_BY_PLAY_SHAPE, url);
      if (!body.game.actions.length) return void ctx.log.warn(`play-by-play of ${g.gameId} has no actions yet`);
      const lastAction = body.game.actions.reduce<string | undefined>((m, a) => (a.timeActual && (!m || a.timeActual > m) ? a.timeActual : m), undefined);
      const ts = objectTs(body.meta?.time ?? lastAction, g.gameDateTimeUTC, url);
      await ctx.putObject('objects/nbac_play_by_play', `nba-com/play-by-play/${date}/${pathSafe(g.gameId)}/${ts}.json`, body);
      written++;
    });
    ctx.log.info(`${written}/${games.length} play-by-plays written for ${date}`);
  },
});
