// Row types of the nba_raw tables the analytics processors read (pipeline.yaml `datasets.nba_raw`):
// short names for the generated row types. Nullable columns are `| null`: a raw loader may leave any
// of them empty, and the processors cope.
import type {
  NbaRawBettingprosPlayerPointsPropsRow,
  NbaRawBigdataballPlayByPlayRow,
  NbaRawNbacGamebookPlayerStatsRow,
  NbaRawNbacInjuryReportRow,
  NbaRawNbacPlayByPlayRow,
  NbaRawNbacPlayerBoxscoresRow,
  NbaRawNbacScheduleRow,
  NbaRawNbacScoreboardV2Row,
  NbaRawNbacTeamBoxscoreRow,
  NbaRawOddsApiPlayerPointsPropsRow,
} from '../../engine/generated/index.js';

export type ScheduleRow = NbaRawNbacScheduleRow;
export type ScoreboardRow = NbaRawNbacScoreboardV2Row;
export type GamebookRow = NbaRawNbacGamebookPlayerStatsRow;
export type PlayerBoxscoreRow = NbaRawNbacPlayerBoxscoresRow;
export type TeamBoxscoreRow = NbaRawNbacTeamBoxscoreRow;
export type NbacPlayByPlayRow = NbaRawNbacPlayByPlayRow;
export type BigDataBallPlayByPlayRow = NbaRawBigdataballPlayByPlayRow;
export type InjuryReportRow = NbaRawNbacInjuryReportRow;

/** A row of either props table: one per bookmaker, player and snapshot. */
export type PropLineRow = NbaRawOddsApiPlayerPointsPropsRow | NbaRawBettingprosPlayerPointsPropsRow;
