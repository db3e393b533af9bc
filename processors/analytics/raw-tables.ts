// Row shapes of the nba_raw tables the analytics processors read (pipeline.yaml `datasets.nba_raw`).
// Nullable columns are `| null`: a raw loader may leave any of them empty, and the processors cope.
// Kept by hand until engine/generated/rows.ts exists; they mirror the generated `...Row` types.

export type ScheduleRow = {
  game_date: string;
  game_id: string;
  game_code: string | null;
  home_team_abbr: string | null;
  away_team_abbr: string | null;
  start_time_et: string | null;
  season: string | null;
};

export type ScoreboardRow = {
  game_date: string;
  game_id: string;
  home_team_abbr: string | null;
  away_team_abbr: string | null;
  home_score: number | null;
  away_score: number | null;
  game_status: string | null;
};

export type GamebookRow = {
  game_date: string;
  game_id: string;
  game_code: string | null;
  player_lookup: string;
  player_name: string | null;
  team_abbr: string | null;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  /** active | dnp | inactive */
  player_status: string | null;
  dnp_reason: string | null;
  minutes: number | null;
  points: number | null;
  fgm: number | null;
  fga: number | null;
  three_pm: number | null;
  three_pa: number | null;
  ftm: number | null;
  fta: number | null;
  turnovers: number | null;
};

export type PlayerBoxscoreRow = {
  game_date: string;
  game_id: string;
  player_lookup: string;
  team_abbr: string | null;
  minutes: number | null;
  points: number | null;
  fgm: number | null;
  fga: number | null;
  three_pm: number | null;
  three_pa: number | null;
  ftm: number | null;
  fta: number | null;
  turnovers: number | null;
};

export type TeamBoxscoreRow = {
  game_date: string;
  game_id: string;
  team_abbr: string;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  points: number | null;
  fgm: number | null;
  fga: number | null;
  three_pm: number | null;
  three_pa: number | null;
  ftm: number | null;
  fta: number | null;
  offensive_rebounds: number | null;
  defensive_rebounds: number | null;
  turnovers: number | null;
};

export type NbacPlayByPlayRow = {
  game_date: string;
  game_id: string;
  event_num: number;
  period: number | null;
  event_type: string | null;
  team_abbr: string | null;
  player_lookup: string | null;
  shot_distance_ft: number | null;
  /** paint | mid_range | three */
  shot_zone: string | null;
  shot_made: boolean | null;
  points: number | null;
};

export type BigDataBallPlayByPlayRow = {
  game_date: string;
  game_id: string;
  event_id: number;
  period: number | null;
  event_type: string | null;
  player_lookup: string | null;
  team_abbr: string | null;
  shot_distance_ft: number | null;
  /** paint | mid_range | three (field goals only) */
  shot_zone?: string | null;
  /** made | missed */
  result: string | null;
  points: number | null;
};

export type InjuryReportRow = {
  game_date: string;
  report_time: string;
  player_lookup: string;
  team_abbr: string | null;
  game_id: string | null;
  /** Out | Doubtful | Questionable | Probable | Available */
  status: string | null;
  reason: string | null;
};

/** Both props tables: one row per bookmaker, player and snapshot. */
export type PropLineRow = {
  game_date: string;
  bookmaker: string;
  player_lookup: string;
  snapshot_time: string;
  points_line: number | null;
};
