// BigDataBall play-by-play (CSV rows as JSON), one per game → objects/bdb_play_by_play at
// big-data-ball/{season}/{date}/game_{game_id}/{file}.json (the spec fixes the season folder to 2025-26).
// {file} is the game's tip-off (the rows carry no absolute time), so a re-scrape rewrites the same object.
import { defineProcessor } from '../../engine/runtime/processor.js';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { fetchJsonUnless404 } from './lib/fetch.js';
import { mapLimit } from './lib/limit.js';
import { fetchSchedule } from './lib/nba-schedule.js';
import { pathSafe } from './lib/paths.js';
import { expectShape } from './lib/shape.js';
import { BIGDATABALL_SHAPE, type BdbRow } from './lib/source-shapes.js';
import { pathTs } from './lib/timestamps.js';

/** "2025-11-15" → "2025-26" (a season starts in October). */
export function seasonOf(date: string): string {
  const y = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 8 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export default defineProcessor('scrape_bdb_play_by_play', {
  async run(ctx) {
    const date = ctx.partition;
    const nbaGames = await fetchSchedule(ctx, date);
    const base = sourceBaseUrl(ctx, 'BIGDATABALL_BASE_URL');
    let written = 0;
    await mapLimit(nbaGames.games, 4, async (g) => {
      const url = sourceUrl(base, '/bigdataball/play-by-play', { date, game_id: g.gameId });
      const raw = await fetchJsonUnless404<unknown>(ctx, url);
      if (raw === undefined) return void ctx.log.warn(`BigDataBall play-by-play of ${g.gameId} not published yet (404)`, { url });
      const rows = expectShape<BdbRow[]>(raw, BIGDATABALL_SHAPE, url);
      if (!rows.length) return void ctx.log.warn(`BigDataBall play-by-play of ${g.gameId} has no rows yet`);
      await ctx.putObject('objects/bdb_play_by_play', `big-data-ball/${seasonOf(date)}/${date}/game_${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`, rows);
      written++;
    });
    ctx.log.info(`${written}/${nbaGames.games.length} BigDataBall play-by-plays written for ${date}`);
  },
});
