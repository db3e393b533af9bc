// objects/nbac_gamebook → nba_raw.nbac_gamebook_player_stats: one row per player listed in each game's
// gamebook (active, DNP with its reason, inactive), from the latest gamebook of each game.
import { defineProcessor } from 'pipeline/processor';
import { GAMEBOOK_SHAPE, type GamebookBody } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { playerLookup } from './lib/names.js';
import { latestPerFolder, parseObject } from './lib/objects.js';
import { intOrNull, minutesOf, strOrNull } from './lib/values.js';

export default defineProcessor('nbac_gamebook_processor', {
  async run(ctx) {
    const rows = [];
    for (const o of latestPerFolder(await ctx.readObjects('objects/nbac_gamebook'))) {
      const gb = parseObject<GamebookBody>(o, GAMEBOOK_SHAPE).body;
      const abbrs = gb.teams.map((t) => teamAbbr(t.team_abbr) ?? t.team_abbr);
      for (const [i, t] of gb.teams.entries()) {
        const team = abbrs[i]!;
        const opponent = abbrs.find((_, j) => j !== i) ?? null;
        for (const p of t.players) {
          const lookup = playerLookup(p.player_name);
          if (!lookup) continue;
          const played = p.status === 'active';
          rows.push({
            game_date: ctx.partition,
            game_id: gb.game_id,
            game_code: gb.game_code,
            player_lookup: lookup,
            player_name: p.player_name,
            team_abbr: team,
            opponent_team_abbr: opponent,
            is_home: t.side === 'home',
            player_status: p.status,
            dnp_reason: strOrNull(p.dnp_reason),
            is_starter: p.starter ?? false,
            minutes: played ? minutesOf(p.minutes) : null,
            points: played ? intOrNull(p.pts) : null,
            fgm: played ? intOrNull(p.fgm) : null,
            fga: played ? intOrNull(p.fga) : null,
            three_pm: played ? intOrNull(p.fg3m) : null,
            three_pa: played ? intOrNull(p.fg3a) : null,
            ftm: played ? intOrNull(p.ftm) : null,
            fta: played ? intOrNull(p.fta) : null,
            rebounds: played ? intOrNull(p.reb) : null,
            assists: played ? intOrNull(p.ast) : null,
            turnovers: played ? intOrNull(p.tov) : null,
            plus_minus: played ? intOrNull(p.plus_minus) : null,
          });
        }
      }
    }
    ctx.write(rows);
  },
});
