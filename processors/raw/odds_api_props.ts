// objects/oddsa_player_props (+ objects/nbac_schedule to map events to nba game ids by teams) →
// nba_raw.odds_api_player_points_props (upsert): one row per snapshot, bookmaker and player (Over and
// Under outcomes joined). Every snapshot object is loaded, so line history is kept; bookmaker keys are
// kept as odds-api spells them.
import { defineProcessor } from 'pipeline/processor';
import { ODDS_PROPS_SHAPE, type OddsPropsBody } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { isoSeconds } from '../scrapers/lib/timestamps.js';
import { playerLookup } from './lib/names.js';
import { parseObject } from './lib/objects.js';
import { gameIndex } from './lib/schedule-index.js';
import { intOrNull, numOrNull } from './lib/values.js';

interface Side { line: number | null; price: number | null }

export default defineProcessor('odds_api_props_processor', {
  async run(ctx) {
    const games = gameIndex(await ctx.readObjects('objects/nbac_schedule'));
    const rows = [];
    const unmatched = new Set<string>();
    for (const o of await ctx.readObjects('objects/oddsa_player_props')) {
      const { timestamp, data } = parseObject<OddsPropsBody>(o, ODDS_PROPS_SHAPE).body;
      const home = teamAbbr(data.home_team);
      const away = teamAbbr(data.away_team);
      const game = home && away ? games.byTeams(home, away) : undefined;
      if (!game) unmatched.add(`${data.away_team} @ ${data.home_team}`);
      const snapshot = isoSeconds(timestamp);
      for (const b of data.bookmakers) {
        const byPlayer = new Map<string, { over?: Side; under?: Side }>();
        for (const m of b.markets) {
          if (m.key !== 'player_points') continue;
          for (const oc of m.outcomes) {
            const lookup = playerLookup(oc.description);
            if (!lookup) continue;
            const side = oc.name.toLowerCase() === 'over' ? 'over' : oc.name.toLowerCase() === 'under' ? 'under' : undefined;
            if (!side) continue;
            const entry = byPlayer.get(lookup) ?? {};
            entry[side] = { line: numOrNull(oc.point), price: intOrNull(oc.price) };
            byPlayer.set(lookup, entry);
          }
        }
        for (const [lookup, s] of byPlayer) {
          rows.push({
            game_date: ctx.partition,
            event_id: data.id,
            game_id: game?.gameId ?? null,
            bookmaker: b.key,
            player_lookup: lookup,
            snapshot_time: snapshot,
            points_line: s.over?.line ?? s.under?.line ?? null,
            over_price: s.over?.price ?? null,
            under_price: s.under?.price ?? null,
          });
        }
      }
    }
    if (unmatched.size) ctx.log.warn(`events without an nba game on the schedule: ${[...unmatched].join(', ')}`);
    ctx.write(rows);
  },
});
