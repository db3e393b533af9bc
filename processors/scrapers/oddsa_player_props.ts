// The Odds API player points props: the date's events, then every snapshot of each event's props
// (following the envelope's next_timestamp) → objects/oddsa_player_props at
// odds-api/player-props/{date}/{event_id}-{AWAYHOME}/{ts}.json, {ts} the snapshot timestamp. Each
// snapshot is its own object, so history is kept; re-scraping writes identical objects. Snapshots with
// no bookmakers (the game has tipped off) are not written.
import { defineProcessor } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { mapLimit } from './lib/limit.js';
import { pathSafe } from './lib/paths.js';
import { expectShape } from './lib/shape.js';
import { ODDS_EVENTS_SHAPE, ODDS_PROPS_SHAPE, type OddsEvent, type OddsEventsBody, type OddsPropsBody } from './lib/source-shapes.js';
import { teamAbbr } from './lib/teams.js';
import { objectTs, parseSourceTime, toEt } from './lib/timestamps.js';

const MAX_SNAPSHOTS = 48;

/** "d156e1…-INDOKC": the event id plus the teams, as the reference system names event folders. */
function eventFolder(e: OddsEvent): string {
  const side = (name: string) => teamAbbr(name) ?? name.replace(/[^A-Za-z]/g, '').slice(0, 12).toUpperCase();
  return pathSafe(`${e.id}-${side(e.away_team)}${side(e.home_team)}`);
}

export default defineProcessor('scrape_oddsa_player_props', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'ODDS_API_BASE_URL');
    const eventsUrl = sourceUrl(base, '/odds-api/events', { date });
    const events = expectShape<OddsEventsBody>(await ctx.fetchJson(eventsUrl), ODDS_EVENTS_SHAPE, eventsUrl).data.filter((e) => toEt(e.commence_time).date === date);
    let written = 0;
    await mapLimit(events, 4, async (e) => {
      let query: Record<string, string | number> = { snapshot: 0 };
      let last = '';
      for (let n = 0; n < MAX_SNAPSHOTS; n++) {
        const url = sourceUrl(base, '/odds-api/player-props', { date, event_id: e.id, ...query });
        const body = expectShape<OddsPropsBody>(await ctx.fetchJson(url), ODDS_PROPS_SHAPE, url);
        const ts = objectTs(body.timestamp, 0, url);
        if (ts <= last) break; // the chain did not advance
        last = ts;
        if (body.data.bookmakers.length) {
          await ctx.putObject('objects/oddsa_player_props', `odds-api/player-props/${date}/${eventFolder(e)}/${ts}.json`, body);
          written++;
        }
        const next = body.next_timestamp;
        if (!next || Number.isNaN(parseSourceTime(next))) break;
        const et = toEt(next);
        if (et.date !== date) break;
        query = { time: et.hhmm };
      }
    });
    ctx.log.info(`${written} odds-api prop snapshots written for ${events.length} events on ${date}`);
  },
});
