// Row types of the nba_analytics tables (pipeline.yaml `datasets.nba_analytics`): what the phase-3
// processors write and the phase-4 processors read. Short names for the generated row types.
import type { TableRows } from '../../generated/index.js';

export type TeamOffenseRow = TableRows['nba_analytics.team_offense_game_summary'];
export type TeamDefenseRow = TableRows['nba_analytics.team_defense_game_summary'];
export type PlayerGameSummaryRow = TableRows['nba_analytics.player_game_summary'];
export type UpcomingPlayerRow = TableRows['nba_analytics.upcoming_player_game_context'];
export type UpcomingTeamRow = TableRows['nba_analytics.upcoming_team_game_context'];
