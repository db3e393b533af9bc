// nba.com-shaped schedule, scoreboard and official injury report renderings.
// Shapes follow scheduleLeagueV2 / todaysScoreboard_00 (liveData) and the parsed
// rows of the official NBA injury report PDF.

import { SEASON_LABEL, season, type ScheduledGame } from './calendar.js';
import { etIso, etToUtcIso, nbaScheduleDate, prettyEt } from './dates.js';
import type { Day } from './day.js';
import { badRequest } from './errors.js';
import { timeIndex } from './injuries.js';
import { team } from './teams.js';

function teamRef(abbr: string) {
  const t = team(abbr);
  return { teamId: t.id, teamName: t.name, teamCity: t.city, teamTricode: t.abbr, teamSlug: t.name.toLowerCase().replace(/\s+/g, '') };
}

function scheduleGame(g: ScheduledGame) {
  const h = team(g.home);
  return {
    gameId: g.gameId,
    gameCode: g.gameCode,
    gameStatus: 1,
    gameStatusText: prettyEt(g.startEt),
    gameSequence: 0,
    gameDateEst: `${g.date}T00:00:00Z`,
    gameTimeEst: `1900-01-01T${g.startEt}:00Z`,
    gameDateTimeEst: `${g.date}T${g.startEt}:00Z`,
    gameDateTimeUTC: etToUtcIso(g.date, g.startEt),
    startTimeEt: g.startEt,
    arenaName: h.arena,
    arenaCity: h.arenaCity,
    arenaState: h.arenaState,
    homeTeam: teamRef(g.home),
    awayTeam: teamRef(g.away),
  };
}

function withSequence(games: ScheduledGame[]) {
  return games.map((g, i) => ({ ...scheduleGame(g), gameSequence: i + 1 }));
}

export function scheduleForDate(seed: number, date: string) {
  const games = season(seed).byDate.get(date) ?? [];
  return {
    meta: { version: 1, request: `schedule?date=${date}` },
    leagueSchedule: {
      seasonYear: SEASON_LABEL,
      leagueId: '00',
      gameDates: games.length ? [{ gameDate: nbaScheduleDate(date), games: withSequence(games) }] : [],
    },
  };
}

export function scheduleForSeason(seed: number, seasonParam: string) {
  if (seasonParam !== '2025' && seasonParam !== SEASON_LABEL) {
    throw badRequest(`unknown season: ${seasonParam}`, { accepted: ['2025', SEASON_LABEL] });
  }
  const s = season(seed);
  return {
    meta: { version: 1, request: `schedule?season=${seasonParam}` },
    leagueSchedule: {
      seasonYear: SEASON_LABEL,
      leagueId: '00',
      gameDates: [...s.byDate.entries()].map(([date, games]) => ({ gameDate: nbaScheduleDate(date), games: withSequence(games) })),
    },
  };
}

export function scoreboard(d: Day) {
  return {
    meta: { version: 1, request: `scoreboard?date=${d.date}` },
    scoreboard: {
      gameDate: d.date,
      leagueId: '00',
      leagueName: 'National Basketball Association',
      games: d.games.map((g) => {
        const box = d.box(g.gameId);
        const side = (i: 0 | 1) => {
          const tb = box.teams[i];
          const leader = tb.players
            .filter((p) => p.stats)
            .sort((a, b) => (b.stats?.pts ?? 0) - (a.stats?.pts ?? 0))[0];
          return {
            team: {
              ...teamRef(tb.team.abbr),
              score: tb.score,
              inBonus: null,
              timeoutsRemaining: 0,
              periods: tb.periods.map((score, k) => ({ period: k + 1, periodType: 'REGULAR', score })),
            },
            leader: leader?.stats
              ? {
                  personId: leader.participant.player.id,
                  name: leader.participant.player.name,
                  jerseyNum: leader.participant.player.jersey,
                  position: leader.participant.player.position,
                  teamTricode: tb.team.abbr,
                  points: leader.stats.pts,
                  rebounds: leader.stats.reb,
                  assists: leader.stats.ast,
                }
              : null,
          };
        };
        const away = side(0);
        const home = side(1);
        return {
          gameId: g.gameId,
          gameCode: g.gameCode,
          gameStatus: 3,
          gameStatusText: 'Final',
          period: 4,
          gameClock: '',
          gameTimeUTC: etToUtcIso(g.date, g.startEt),
          gameEt: etIso(g.date, g.startEt),
          regulationPeriods: 4,
          homeTeam: home.team,
          awayTeam: away.team,
          gameLeaders: { homeLeaders: home.leader, awayLeaders: away.leader },
        };
      }),
    },
  };
}

function reportLabel(hhmm: string): string {
  const h = Number(hhmm.slice(0, 2));
  return `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}:${hhmm.slice(3)} ${h < 12 ? 'AM' : 'PM'} ET`;
}

/** Official report as of an ET time (latest published report at or before it). */
export function injuryReport(d: Day, time?: string | null) {
  const times = d.injuries.times;
  const idx = time ? timeIndex(times, time) : times.length - 1;
  const reportTime = idx >= 0 ? (times[idx] ?? null) : null;
  const entries =
    idx < 0
      ? []
      : d.injuries.entries.flatMap((e) => {
          const status = e.statuses[idx];
          if (!status) return [];
          const t = team(e.player.team);
          const h = Number(e.gameTimeEt.slice(0, 2));
          return [{
            game_date: `${d.date.slice(5, 7)}/${d.date.slice(8, 10)}/${d.date.slice(0, 4)}`,
            game_time: `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}:${e.gameTimeEt.slice(3)} (ET)`,
            matchup: e.matchup,
            team: `${t.city} ${t.name}`,
            player_name: `${e.player.lastName}, ${e.player.firstName}`,
            current_status: status,
            reason: e.reason,
          }];
        });
  return {
    report_date: d.date,
    report_time: reportTime,
    report_label: reportTime ? `Injury Report: ${d.date} ${reportLabel(reportTime)}` : null,
    available_times: times,
    entries,
  };
}
