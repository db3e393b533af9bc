// Who plays tonight, and their recent games: today's schedule joined with rosters read from the
// gamebooks of the last 30 days (a player belongs to the team of his latest gamebook; today's gamebook,
// when present, and today's injury report override older ones — trades show there first).
import { daysBetween } from '../shared/dates.js';
import { groupBy } from '../shared/group.js';
import type { GamebookRow, InjuryReportRow, ScheduleRow, ScoreboardRow } from './raw-tables.js';

export interface TeamGame {
  gameId: string;
  team: string;
  opponent: string;
  isHome: boolean;
}

/** Team → its game today, from the schedule (and the scoreboard for games the schedule lacks). */
export function gamesToday(schedule: readonly ScheduleRow[], scoreboard: readonly ScoreboardRow[] = []): Map<string, TeamGame> {
  const out = new Map<string, TeamGame>();
  const add = (gameId: string, home: string | null, away: string | null) => {
    if (!home || !away) return;
    if (!out.has(home)) out.set(home, { gameId, team: home, opponent: away, isHome: true });
    if (!out.has(away)) out.set(away, { gameId, team: away, opponent: home, isHome: false });
  };
  for (const g of schedule) add(g.game_id, g.home_team_abbr, g.away_team_abbr);
  for (const g of scoreboard) add(g.game_id, g.home_team_abbr, g.away_team_abbr);
  return out;
}

export const playedIn = (r: GamebookRow) => {
  const s = (r.player_status ?? '').toLowerCase();
  return s !== 'dnp' && s !== 'inactive' && (r.minutes ?? 0) > 0;
};

export interface RosterEntry {
  player: string;
  team: string;
  /** Dates of the games he played before today, newest first. */
  playedDates: string[];
}

/** Players of the teams playing today, with the dates they played in the window before today. */
export function rosterToday(date: string, teams: ReadonlyMap<string, TeamGame>, gamebook: readonly GamebookRow[], injuries: readonly InjuryReportRow[]): RosterEntry[] {
  const latestTeam = new Map<string, { date: string; team: string }>();
  for (const r of gamebook) {
    if (!r.team_abbr || r.game_date > date) continue;
    const prev = latestTeam.get(r.player_lookup);
    if (!prev || r.game_date >= prev.date) latestTeam.set(r.player_lookup, { date: r.game_date, team: r.team_abbr });
  }
  for (const r of injuries) {
    if (!r.team_abbr) continue;
    const prev = latestTeam.get(r.player_lookup);
    if (!prev || prev.date < date) latestTeam.set(r.player_lookup, { date, team: r.team_abbr });
  }
  const byPlayer = groupBy(gamebook, (r) => r.player_lookup);
  const out: RosterEntry[] = [];
  for (const [player, { team }] of latestTeam) {
    if (!teams.has(team)) continue;
    const playedDates = (byPlayer.get(player) ?? []).filter((r) => r.game_date < date && playedIn(r)).map((r) => r.game_date).sort().reverse();
    out.push({ player, team, playedDates });
  }
  return out.sort((a, b) => (a.player < b.player ? -1 : a.player > b.player ? 1 : 0));
}

/** Days since the previous date in `dates` (newest first) before `date`; null without one. */
export function daysRest(date: string, datesNewestFirst: readonly string[]): number | null {
  const prev = datesNewestFirst.find((d) => d < date);
  return prev ? daysBetween(prev, date) : null;
}
