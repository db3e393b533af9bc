// nba.com gamebooks (parsed PDFs), one per game of the date's schedule → objects/nbac_gamebook at
// nba-com/gamebooks-data/{date}/{game_code}/{ts}.json, game_code made path-safe (20251115/BOSLAL →
// 20251115_BOSLAL). {ts}: the game's tip-off as the gamebook states it (game_date + start_time_et),
// else the schedule's. Gamebooks not published yet (404) or not final are skipped until a later run.
import { defineProcessor } from '../../engine/runtime/processor.js';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { fetchJsonUnless404 } from './lib/fetch.js';
import { mapLimit } from './lib/limit.js';
import { fetchSchedule } from './lib/nba-schedule.js';
import { pathSafe } from './lib/paths.js';
import { expectShape } from './lib/shape.js';
import { GAMEBOOK_SHAPE, type GamebookBody } from './lib/source-shapes.js';
import { etToUtcMs, pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_gamebook', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'NBA_COM_BASE_URL');
    const { games } = await fetchSchedule(ctx, date);
    let written = 0;
    await mapLimit(games, 4, async (g) => {
      const url = sourceUrl(base, '/nba-com/gamebook', { date, game_code: g.gameCode });
      const raw = await fetchJsonUnless404<unknown>(ctx, url);
      if (raw === undefined) return void ctx.log.warn(`gamebook of ${g.gameCode} not published yet (404)`, { url });
      const body = expectShape<GamebookBody>(raw, GAMEBOOK_SHAPE, url);
      if (body.status !== 'Final') return void ctx.log.warn(`gamebook of ${g.gameCode} is not final (${body.status}): skipped`);
      const tip = body.start_time_et && /^\d{1,2}:\d{2}$/.test(body.start_time_et) ? etToUtcMs(body.game_date, body.start_time_et) : g.gameDateTimeUTC;
      await ctx.putObject('objects/nbac_gamebook', `nba-com/gamebooks-data/${date}/${pathSafe(body.game_code)}/${pathTs(tip)}.json`, body);
      written++;
    });
    ctx.log.info(`${written}/${games.length} gamebooks written for ${date}`);
  },
});
