// Team minutes per game: the players' gamebook minutes (snapped to whole periods), else the periods in
// the play-by-play (overtime adds 25 team minutes), else regulation.
import { groupBy } from '../shared/group.js';
import { n0, sum } from '../shared/numbers.js';
import { REGULATION_TEAM_MINUTES, teamMinutesFromPeriods, teamMinutesFromPlayers } from './formulas.js';
import type { GamebookRow, NbacPlayByPlayRow } from './raw-tables.js';

/** Team minutes per `game|team`: gamebook minutes first, then overtime periods in the play-by-play. */
export function teamMinutes(gamebook: readonly GamebookRow[], pbp: readonly Pick<NbacPlayByPlayRow, 'game_id' | 'period'>[]): (gameId: string, team: string) => number {
  const fromPlayers = new Map<string, number>();
  for (const [k, rows] of groupBy(gamebook, (r) => `${r.game_id}|${r.team_abbr}`)) {
    const m = teamMinutesFromPlayers(sum(rows.map((r) => n0(r.minutes))));
    if (m !== null) fromPlayers.set(k, m);
  }
  const periods = new Map<string, number>();
  for (const r of pbp) if (r.period !== null) periods.set(r.game_id, Math.max(periods.get(r.game_id) ?? 0, r.period));
  return (gameId, team) => fromPlayers.get(`${gameId}|${team}`) ?? (periods.has(gameId) ? teamMinutesFromPeriods(periods.get(gameId)!) : REGULATION_TEAM_MINUTES);
}
