// Pure data API: every endpoint's JSON as a function of (seed, date, ..., overrides).
// The HTTP server is a thin router over these; tests and benchmarks can call them
// directly without a socket.

import { bigdataballPlayByPlay as bdbPbp } from './bigdataball.js';
import type { GameBox } from './boxscore.js';
import { requireDate } from './dates.js';
import { day as dayOf } from './day.js';
import { badRequest } from './errors.js';
import { boxscorePlayers as bsPlayers, boxscoreTeams as bsTeams, gamebookFor, gamebooks as gbs, playByPlay as pbp } from './nba-boxscore.js';
import { injuryReport as injRep, scheduleForDate, scheduleForSeason, scoreboard as sb } from './nba-schedule.js';
import { bettingprosProps, oddsEvents as oddsEv, oddsPlayerProps as oddsProps } from './odds.js';
import { NO_OVERRIDES, type Overrides } from './overrides.js';
import { resolveSnapshot } from './props.js';
import { requireTime } from './dates.js';

export interface SnapshotQuery {
  /** 0-based snapshot index; wins over `time`. Default: latest. */
  snapshot?: number | string | null;
  /** ET "HH:MM": latest snapshot at or before it. */
  time?: string | null;
}

const dayFor = (seed: number, date: string, ov: Overrides) => dayOf(seed, requireDate(date), ov);
const need = (value: string | null | undefined, name: string): string => {
  if (!value) throw badRequest(`missing ${name}`);
  return value;
};
const snap = (q: SnapshotQuery) => resolveSnapshot(q.snapshot === undefined || q.snapshot === null ? null : String(q.snapshot), q.time ?? null);

export function schedule(seed: number, date: string) {
  return scheduleForDate(seed, requireDate(date));
}

export function seasonSchedule(seed: number, seasonYear = '2025') {
  return scheduleForSeason(seed, seasonYear);
}

export function scoreboard(seed: number, date: string, ov: Overrides = NO_OVERRIDES) {
  return sb(dayFor(seed, date, ov));
}

export function gamebook(seed: number, date: string, gameCode: string, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return gamebookFor(d, d.game({ gameCode: need(gameCode, 'game_code') }).gameId);
}

export function gamebooks(seed: number, date: string, ov: Overrides = NO_OVERRIDES) {
  return gbs(dayFor(seed, date, ov));
}

export function boxscorePlayers(seed: number, date: string, gameId: string, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return bsPlayers(d, d.game({ gameId: need(gameId, 'game_id') }).gameId);
}

export function boxscoreTeams(seed: number, date: string, gameId: string, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return bsTeams(d, d.game({ gameId: need(gameId, 'game_id') }).gameId);
}

export function playByPlay(seed: number, date: string, gameId: string, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return pbp(d, d.game({ gameId: need(gameId, 'game_id') }).gameId);
}

export function injuryReport(seed: number, date: string, time?: string | null, ov: Overrides = NO_OVERRIDES) {
  return injRep(dayFor(seed, date, ov), time ? requireTime(time) : null);
}

export function oddsEvents(seed: number, date: string, ov: Overrides = NO_OVERRIDES) {
  return oddsEv(dayFor(seed, date, ov));
}

export function oddsPlayerProps(seed: number, date: string, q: SnapshotQuery & { eventId?: string | null; oddsFormat?: string | null } = {}, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return oddsProps(d, snap(q), q.eventId ?? null, q.oddsFormat ?? null);
}

export function bettingprosPlayerProps(seed: number, date: string, q: SnapshotQuery & { market?: string | null } = {}, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return bettingprosProps(d, snap(q), q.market ?? null);
}

export function bigdataballPlayByPlay(seed: number, date: string, gameId: string, ov: Overrides = NO_OVERRIDES) {
  const d = dayFor(seed, date, ov);
  return bdbPbp(d, d.game({ gameId: need(gameId, 'game_id') }).gameId);
}

/** Typed box score (player and team stat lines) for one game; the source of truth for all views. */
export function gameBox(seed: number, date: string, gameId: string, ov: Overrides = NO_OVERRIDES): GameBox {
  const d = dayFor(seed, date, ov);
  return d.box(d.game({ gameId: need(gameId, 'game_id') }).gameId);
}

/** The same API with the seed fixed and overrides read at call time (used by the server). */
export function boundApi(seed: number, overrides: () => Overrides = () => NO_OVERRIDES) {
  return {
    schedule: (date: string) => schedule(seed, date),
    seasonSchedule: (seasonYear?: string) => seasonSchedule(seed, seasonYear),
    scoreboard: (date: string) => scoreboard(seed, date, overrides()),
    gamebook: (date: string, gameCode: string) => gamebook(seed, date, gameCode, overrides()),
    gamebooks: (date: string) => gamebooks(seed, date, overrides()),
    boxscorePlayers: (date: string, gameId: string) => boxscorePlayers(seed, date, gameId, overrides()),
    boxscoreTeams: (date: string, gameId: string) => boxscoreTeams(seed, date, gameId, overrides()),
    playByPlay: (date: string, gameId: string) => playByPlay(seed, date, gameId, overrides()),
    injuryReport: (date: string, time?: string | null) => injuryReport(seed, date, time, overrides()),
    oddsEvents: (date: string) => oddsEvents(seed, date, overrides()),
    oddsPlayerProps: (date: string, q?: Parameters<typeof oddsPlayerProps>[2]) => oddsPlayerProps(seed, date, q, overrides()),
    bettingprosPlayerProps: (date: string, q?: Parameters<typeof bettingprosPlayerProps>[2]) => bettingprosPlayerProps(seed, date, q, overrides()),
    bigdataballPlayByPlay: (date: string, gameId: string) => bigdataballPlayByPlay(seed, date, gameId, overrides()),
    gameBox: (date: string, gameId: string) => gameBox(seed, date, gameId, overrides()),
  };
}

export type BoundApi = ReturnType<typeof boundApi>;
