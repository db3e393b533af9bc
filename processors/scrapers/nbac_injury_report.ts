// The official nba.com injury report: every report of the date (the source lists its report times) →
// objects/nbac_injury_report at nba-com/injury-report-data/{date}/{hour}/{ts}.json, {hour} the report's
// ET hour and {ts} its report time (UTC). Re-scraping writes the same objects; a new report (e.g. a
// late status flip) adds one, and history stays. Reports with no entries are not written.
import { defineProcessor } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl } from './lib/base-url.js';
import { expectShape } from './lib/shape.js';
import { INJURY_REPORT_SHAPE, type InjuryReportBody } from './lib/source-shapes.js';
import { etToUtcMs, pathTs } from './lib/timestamps.js';
import { SourceFormatError } from 'pipeline/processor';

const HHMM = /^(\d{2}):(\d{2})$/;

export default defineProcessor('scrape_nbac_injury_report', {
  async run(ctx) {
    const date = ctx.partition;
    const base = sourceBaseUrl(ctx, 'NBA_COM_BASE_URL');
    const get = async (time?: string) => {
      const url = sourceUrl(base, '/nba-com/injury-report', { date, time });
      return { url, body: expectShape<InjuryReportBody>(await ctx.fetchJson(url), INJURY_REPORT_SHAPE, url) };
    };
    const latest = await get();
    const times = [...new Set([...(latest.body.available_times ?? []), ...(latest.body.report_time ? [latest.body.report_time] : [])])].sort();
    let written = 0;
    for (const time of times) {
      const { url, body } = time === latest.body.report_time ? latest : await get(time);
      if (!body.report_time) continue;
      const hm = HHMM.exec(body.report_time);
      if (!hm) throw new SourceFormatError(`schema drift in ${url}: report_time ${JSON.stringify(body.report_time)} is not HH:MM`);
      if (body.report_date !== date) throw new SourceFormatError(`schema drift in ${url}: report_date ${body.report_date} is not the requested date ${date}`);
      if (!body.entries.length) continue;
      await ctx.putObject('objects/nbac_injury_report', `nba-com/injury-report-data/${date}/${hm[1]}/${pathTs(etToUtcMs(date, body.report_time))}.json`, body);
      written++;
    }
    ctx.log.info(`${written} injury reports written for ${date} (${times.join(', ') || 'none published'})`);
  },
});
