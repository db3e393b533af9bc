// Row types of the nba_raw tables the analytics processors read (pipeline.yaml `datasets.nba_raw`):
// short names for the generated row types. Nullable columns are `| null`: a raw loader may leave any
// of them empty, and the processors cope.
import type { TableRows } from '../../generated/index.js';

export type ScheduleRow = TableRows['nba_raw.nbac_schedule'];
export type ScoreboardRow = TableRows['nba_raw.nbac_scoreboard_v2'];
export type GamebookRow = TableRows['nba_raw.nbac_gamebook_player_stats'];
export type PlayerBoxscoreRow = TableRows['nba_raw.nbac_player_boxscores'];
export type TeamBoxscoreRow = TableRows['nba_raw.nbac_team_boxscore'];
export type NbacPlayByPlayRow = TableRows['nba_raw.nbac_play_by_play'];
export type BigDataBallPlayByPlayRow = TableRows['nba_raw.bigdataball_play_by_play'];
export type InjuryReportRow = TableRows['nba_raw.nbac_injury_report'];

/** A row of either props table: one per bookmaker, player and snapshot. */
export type PropLineRow = TableRows['nba_raw.odds_api_player_points_props' | 'nba_raw.bettingpros_player_points_props'];
