// nba.com play-by-play (liveData), one per game → objects/nbac_play_by_play at
// nba-com/play-by-play/{date}/{game_id}/{ts}.json. {ts}: meta.time when reported, else the game's last
// action time (its last update as the source reports it), else the tip-off.
import { defineProcessor } from 'pipeline/processor';
import { pathSafe } from './lib/paths.js';
import { scrapePerGame } from './lib/per-game.js';
import { expectShape } from './lib/shape.js';
import { PLAY_BY_PLAY_SHAPE, type PlayByPlayBody } from './lib/source-shapes.js';
import { objectTs } from './lib/timestamps.js';

export default defineProcessor('scrape_nbac_play_by_play', {
  run: (ctx) =>
    scrapePerGame(ctx, {
      collection: 'objects/nbac_play_by_play',
      source: 'NBA_COM_BASE_URL',
      endpoint: '/nba-com/play-by-play',
      query: (g) => ({ game_id: g.gameId }),
      what: 'play-by-play',
      validate: (raw, url) => expectShape<PlayByPlayBody>(raw, PLAY_BY_PLAY_SHAPE, url),
      notReady: (body) => (!body.game.actions.length ? 'has no actions yet' : undefined),
      path: (body, g, date, url) => {
        const lastAction = body.game.actions.reduce<string | undefined>((m, a) => (a.timeActual && (!m || a.timeActual > m) ? a.timeActual : m), undefined);
        const ts = objectTs(body.meta?.time ?? lastAction, g.gameDateTimeUTC, url);
        return `nba-com/play-by-play/${date}/${pathSafe(g.gameId)}/${ts}.json`;
      },
    }),
});
