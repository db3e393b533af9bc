// objects/bdb_play_by_play → nba_raw.bigdataball_play_by_play: one row per BigDataBall play of each
// game's latest file; shots get distance (ft) and shot_zone like the nba.com feed.
import { defineProcessor } from 'pipeline/processor';
import { BIGDATABALL_SHAPE, type BdbRow } from '../scrapers/lib/source-shapes.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { playerLookup } from './lib/names.js';
import { latestPerFolder, parseObject } from './lib/objects.js';
import { intOrNull, numOrNull, shotZone, strOrNull } from './lib/values.js';

/** BigDataBall game ids may lose their leading zeros ("22500187"): back to nba.com's 10 digits. */
export const nbaGameId = (id: string | number) => String(id).padStart(10, '0');

export default defineProcessor('bigdataball_pbp_processor', {
  async run(ctx) {
    const rows = [];
    for (const o of latestPerFolder(await ctx.readObjects('objects/bdb_play_by_play'))) {
      for (const r of parseObject<BdbRow[]>(o, BIGDATABALL_SHAPE).body) {
        const isShot = r.event_type === 'shot' || r.event_type === 'miss';
        const distance = numOrNull(r.shot_distance);
        const three = isShot && (/^3pt/i.test(r.type ?? '') || (r.result === 'made' && r.points === 3));
        const team = strOrNull(r.team);
        rows.push({
          game_date: ctx.partition,
          game_id: nbaGameId(r.game_id),
          event_id: r.play_id,
          period: r.period,
          event_type: r.event_type,
          player_lookup: playerLookup(r.player) || null,
          team_abbr: team ? (teamAbbr(team) ?? team) : null,
          shot_distance_ft: distance,
          shot_zone: isShot ? shotZone(three, distance) : null,
          result: strOrNull(r.result),
          points: intOrNull(r.points),
        });
      }
    }
    ctx.write(rows);
  },
});
