// objects/nbac_injury_report (+ objects/nbac_schedule for game ids) → nba_raw.nbac_injury_report
// (upsert): one row per player and report — every report object of the date is loaded, so each
// snapshot keeps its own rows (key report_time + player_lookup) and history is kept. report_time is
// the report's time in UTC ISO ("2025-11-15T22:30:00Z"); "Last, First" names become player_lookup.
import { defineProcessor } from 'pipeline/processor';
import { INJURY_REPORT_SHAPE, type InjuryReportBody } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { etToUtcIso, usDate } from '../scrapers/lib/timestamps.js';
import { playerLookup } from './lib/names.js';
import { parseObject } from './lib/objects.js';
import { gameIndex } from './lib/schedule-index.js';
import { strOrNull } from './lib/values.js';

export default defineProcessor('nbac_injury_report_processor', {
  async run(ctx) {
    const date = ctx.partition;
    const games = gameIndex(await ctx.readObjects('objects/nbac_schedule'));
    const rows = [];
    let otherDates = 0;
    for (const o of await ctx.readObjects('objects/nbac_injury_report')) {
      const report = parseObject<InjuryReportBody>(o, INJURY_REPORT_SHAPE).body;
      if (!report.report_time) continue;
      const reportTime = etToUtcIso(report.report_date, report.report_time);
      for (const e of report.entries) {
        if ((usDate(e.game_date) ?? e.game_date) !== date) {
          otherDates++;
          continue;
        }
        const lookup = playerLookup(e.player_name);
        if (!lookup) continue;
        const team = teamAbbr(e.team) ?? null;
        const [away, home] = e.matchup.split('@').map((s) => teamAbbr(s) ?? s.trim());
        const game = away && home ? games.byTeams(away, home) : team ? games.byTeam(team) : undefined;
        rows.push({
          game_date: date,
          report_time: reportTime,
          player_lookup: lookup,
          team_abbr: team,
          game_id: game?.gameId ?? null,
          status: e.current_status,
          reason: strOrNull(e.reason),
        });
      }
    }
    if (otherDates) ctx.log.info(`${otherDates} entries for other game dates skipped`);
    ctx.write(rows);
  },
});
