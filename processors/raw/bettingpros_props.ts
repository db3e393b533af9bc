// objects/bp_player_props → nba_raw.bettingpros_player_points_props (upsert): one row per snapshot,
// book and player. Books are named by their odds-api key when BettingPros gives one (so both prop
// sources agree on "draftkings", "fanduel", …), else by the lower-cased book name. snapshot_time comes
// from the object's {ts} (the snapshot time the scraper took from the source); every snapshot is kept.
import { defineProcessor } from 'pipeline/processor';
import { BETTINGPROS_SHAPE, type BettingProsBody, type BpLine } from '../scrapers/lib/source-shapes.js';
import { isoOfPathTs } from '../scrapers/lib/timestamps.js';
import { playerLookup } from './lib/names.js';
import { parseObject } from './lib/objects.js';
import { intOrNull, numOrNull } from './lib/values.js';

/** The line a book currently offers: the active one, else the last listed. */
const current = (lines: BpLine[]) => lines.find((l) => l.active !== false) ?? lines[lines.length - 1];

export default defineProcessor('bettingpros_props_processor', {
  async run(ctx) {
    const rows = [];
    for (const o of await ctx.readObjects('objects/bp_player_props')) {
      const { ts, body } = parseObject<BettingProsBody>(o, BETTINGPROS_SHAPE);
      if (!ts) continue;
      const snapshot = isoOfPathTs(ts);
      const bookKey = new Map(body.books.map((b) => [b.id, b.odds_api_key || b.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')] as const));
      for (const offer of body.offers) {
        const lookup = playerLookup(offer.participants[0]?.name);
        if (!lookup) continue;
        const byBook = new Map<string, { line: number | null; over: number | null; under: number | null }>();
        for (const sel of offer.selections) {
          const side = sel.selection.toLowerCase();
          if (side !== 'over' && side !== 'under') continue;
          for (const b of sel.books) {
            const l = current(b.lines);
            if (!l) continue;
            const key = bookKey.get(b.id) ?? `book_${b.id}`;
            const entry = byBook.get(key) ?? { line: null, over: null, under: null };
            entry.line ??= numOrNull(l.line);
            entry[side] = intOrNull(l.cost);
            byBook.set(key, entry);
          }
        }
        for (const [bookmaker, e] of byBook) {
          rows.push({
            game_date: ctx.partition,
            bookmaker,
            player_lookup: lookup,
            snapshot_time: snapshot,
            points_line: e.line,
            over_price: e.over,
            under_price: e.under,
          });
        }
      }
    }
    ctx.write(rows);
  },
});
