// BigDataBall play-by-play (CSV rows as JSON), one per game → objects/bdb_play_by_play at
// big-data-ball/{season}/{date}/game_{game_id}/{file}.json (the spec fixes the season folder to 2025-26).
// {file} is the game's tip-off (the rows carry no absolute time), so a re-scrape rewrites the same object.
import { defineProcessor } from 'pipeline/processor';
import { pathSafe } from './lib/paths.js';
import { scrapePerGame } from './lib/per-game.js';
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
  run: (ctx) =>
    scrapePerGame(ctx, {
      collection: 'objects/bdb_play_by_play',
      source: 'BIGDATABALL_BASE_URL',
      endpoint: '/bigdataball/play-by-play',
      query: (g) => ({ game_id: g.gameId }),
      what: 'BigDataBall play-by-play',
      validate: (raw, url) => expectShape<BdbRow[]>(raw, BIGDATABALL_SHAPE, url),
      notReady: (rows) => (!rows.length ? 'has no rows yet' : undefined),
      path: (_rows, g, date) => `big-data-ball/${seasonOf(date)}/${date}/game_${pathSafe(g.gameId)}/${pathTs(g.gameDateTimeUTC)}.json`,
    }),
});
