// BettingPros player points props: every snapshot of the date (the latest tells how many there are) →
// objects/bp_player_props at bettingpros/player-props/points/{date}/{ts}.json, {ts} the snapshot time
// (its ET time as the source reports it, else the latest line update). Snapshots with no offers are not written.
import { defineProcessor, SourceFormatError } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { expectShape } from './lib/shape.js';
import { BETTINGPROS_SHAPE, type BettingProsBody } from './lib/source-shapes.js';
import { etToUtcMs, pathTs } from './lib/timestamps.js';

function snapshotMs(body: BettingProsBody, date: string, url: string): number {
  const t = body._parameters?.snapshot_time_et;
  if (t) {
    if (!/^\d{2}:\d{2}$/.test(t)) throw new SourceFormatError(`schema drift in ${url}: _parameters.snapshot_time_et ${JSON.stringify(t)} is not HH:MM`);
    return etToUtcMs(date, t);
  }
  let latest = '';
  for (const o of body.offers) for (const s of o.selections) for (const b of s.books) for (const l of b.lines) if (l.updated && l.updated > latest) latest = l.updated;
  if (!latest) throw new SourceFormatError(`schema drift in ${url}: no snapshot time (_parameters.snapshot_time_et) and no line update times`);
  return etToUtcMs(latest.slice(0, 10), latest.slice(11, 19));
}

export default defineProcessor('scrape_bp_player_props', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'BETTINGPROS_BASE_URL');
    const get = async (snapshot?: number, page?: number) => {
      const url = sourceUrl(base, '/bettingpros/player-props', { date, market: 'points', snapshot, page });
      const body = expectShape<BettingProsBody>(await ctx.fetchJson(url), BETTINGPROS_SHAPE, url);
      // Further pages (the sample serves one): merged into the first page's body.
      const pages = body._pagination?.total_pages ?? 1;
      if (page === undefined && pages > 1) for (let p = 2; p <= pages; p++) body.offers.push(...(await get(snapshot, p)).body.offers);
      return { url, body };
    };
    const latest = await get();
    const lastIndex = latest.body._parameters?.snapshot;
    const snaps = [...(typeof lastIndex === 'number' ? Array.from({ length: lastIndex }, (_, i) => i) : []), undefined];
    let written = 0;
    for (const s of snaps) {
      const { url, body } = s === undefined ? latest : await get(s);
      if (!body.offers.length) continue;
      await ctx.putObject('objects/bp_player_props', `bettingpros/player-props/points/${date}/${pathTs(snapshotMs(body, date, url))}.json`, body);
      written++;
    }
    ctx.log.info(`${written} bettingpros snapshots written for ${date}`);
  },
});
