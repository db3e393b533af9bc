// objects/nbac_play_by_play (+ objects/nbac_player_boxscore: the play-by-play names players by last
// name only, so personId → full name comes from the same game's box score) → nba_raw.nbac_play_by_play:
// one row per action of each game's latest play-by-play. Field goals get their distance in feet and a
// shot_zone (paint = 2s from ≤ 8 ft, mid_range = other 2s, three); points = what the action scored.
import { defineProcessor } from 'pipeline/processor';
import { resultSetRows } from '../scrapers/lib/shape.js';
import { PLAY_BY_PLAY_SHAPE, PLAYER_STATS_HEADERS, type PbpAction, type PlayByPlayBody } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { playerLookup } from './lib/names.js';
import { latestPerFolder, parseObject } from './lib/objects.js';
import { numOrNull, shotZone } from './lib/values.js';

/** "PT11M39.00S" → "11:39" ("0:05.3" with tenths); other forms pass through. */
export function clockOf(clock: string): string {
  const m = /^PT(\d+)M(\d+)(?:\.(\d+))?S$/.exec(clock);
  if (!m) return clock;
  const tenths = m[3] && /[1-9]/.test(m[3]) ? `.${m[3].replace(/0+$/, '')}` : '';
  return `${Number(m[1])}:${m[2]!.padStart(2, '0')}${tenths}`;
}

function scored(a: PbpAction): number | null {
  const made = a.shotResult === 'Made';
  if (a.actionType === '2pt') return made ? 2 : 0;
  if (a.actionType === '3pt') return made ? 3 : 0;
  if (a.actionType === 'freethrow') return made ? 1 : 0;
  return null;
}

export default defineProcessor('nbac_play_by_play_processor', {
  async run(ctx) {
    const names = new Map<string, string>(); // `${gameId}|${personId}` → player_lookup
    for (const o of latestPerFolder(await ctx.readObjects('objects/nbac_player_boxscore'))) {
      const { body } = parseObject<unknown>(o, null);
      for (const r of resultSetRows(body, 'PlayerStats', PLAYER_STATS_HEADERS, `stored object ${o.path}`)) names.set(`${r.GAME_ID}|${r.PLAYER_ID}`, playerLookup(String(r.PLAYER_NAME ?? '')));
    }
    const rows = [];
    let unnamed = 0;
    for (const o of latestPerFolder(await ctx.readObjects('objects/nbac_play_by_play'))) {
      const { game } = parseObject<PlayByPlayBody>(o, PLAY_BY_PLAY_SHAPE).body;
      for (const a of game.actions) {
        const isShot = a.actionType === '2pt' || a.actionType === '3pt';
        const isFt = a.actionType === 'freethrow';
        const distance = isShot ? numOrNull(a.shotDistance) : null;
        let lookup: string | null = null;
        if (a.personId) {
          lookup = names.get(`${game.gameId}|${a.personId}`) || null;
          if (!lookup) unnamed++;
        }
        rows.push({
          game_date: ctx.partition,
          game_id: game.gameId,
          event_num: a.actionNumber,
          period: a.period,
          clock: clockOf(a.clock),
          event_type: a.actionType,
          team_abbr: a.teamTricode ? (teamAbbr(a.teamTricode) ?? a.teamTricode) : null,
          player_lookup: lookup,
          shot_distance_ft: distance,
          shot_zone: isShot ? shotZone(a.actionType === '3pt', distance) : null,
          shot_made: isShot || isFt ? a.shotResult === 'Made' : null,
          points: scored(a),
        });
      }
    }
    if (unnamed) ctx.log.warn(`${unnamed} actions name a player missing from the box score: player_lookup left null`);
    ctx.write(rows);
  },
});
