// Row types of the nba_analytics tables (pipeline.yaml `datasets.nba_analytics`): what the phase-3
// processors write and the phase-4 processors read. Short names for the generated row types.
import type {
  NbaAnalyticsPlayerGameSummaryRow,
  NbaAnalyticsTeamDefenseGameSummaryRow,
  NbaAnalyticsTeamOffenseGameSummaryRow,
  NbaAnalyticsUpcomingPlayerGameContextRow,
  NbaAnalyticsUpcomingTeamGameContextRow,
} from '../../engine/generated/index.js';

export type TeamOffenseRow = NbaAnalyticsTeamOffenseGameSummaryRow;
export type TeamDefenseRow = NbaAnalyticsTeamDefenseGameSummaryRow;
export type PlayerGameSummaryRow = NbaAnalyticsPlayerGameSummaryRow;
export type UpcomingPlayerRow = NbaAnalyticsUpcomingPlayerGameContextRow;
export type UpcomingTeamRow = NbaAnalyticsUpcomingTeamGameContextRow;
