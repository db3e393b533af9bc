// nba.com gamebooks (parsed PDFs), one per game of the date's schedule → objects/nbac_gamebook at
// nba-com/gamebooks-data/{date}/{game_code}/{ts}.json, game_code made path-safe (20251115/BOSLAL →
// 20251115_BOSLAL). {ts}: the game's tip-off as the gamebook states it (game_date + start_time_et),
// else the schedule's. Gamebooks not published yet (404) or not final are skipped until a later run.
import { defineProcessor } from 'pipeline/processor';
import { pathSafe } from './lib/paths.js';
import { scrapePerGame } from './lib/per-game.js';
import { expectShape } from './lib/shape.js';
import { GAMEBOOK_SHAPE, type GamebookBody } from './lib/source-shapes.js';
import { etToUtcMs, pathTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_gamebook', {
  run: (ctx) =>
    scrapePerGame(ctx, {
      collection: 'objects/nbac_gamebook',
      source: 'NBA_COM_BASE_URL',
      endpoint: '/nba-com/gamebook',
      query: (g) => ({ game_code: g.gameCode }),
      what: 'gamebook',
      label: (g) => g.gameCode,
      validate: (raw, url) => expectShape<GamebookBody>(raw, GAMEBOOK_SHAPE, url),
      notReady: (body) => (body.status !== 'Final' ? `is not final (${body.status}): skipped` : undefined),
      path: (body, g, date) => {
        const tip = body.start_time_et && /^\d{1,2}:\d{2}$/.test(body.start_time_et) ? etToUtcMs(body.game_date, body.start_time_et) : g.gameDateTimeUTC;
        return `nba-com/gamebooks-data/${date}/${pathSafe(body.game_code)}/${pathTs(tip)}.json`;
      },
    }),
});
