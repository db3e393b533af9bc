// Row shapes of the nba_analytics tables (pipeline.yaml `datasets.nba_analytics`): what the phase-3
// processors write and the phase-4 processors read. Mirrors the generated row types.

export type TeamOffenseRow = {
  game_date: string;
  game_id: string;
  team_abbr: string;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  points: number | null;
  possessions: number | null;
  pace: number | null;
  offensive_rating: number | null;
  fga: number | null;
  fta: number | null;
  turnovers: number | null;
  won: boolean | null;
  minutes: number | null;
};

export type TeamDefenseRow = {
  game_date: string;
  game_id: string;
  defending_team_abbr: string;
  opponent_team_abbr: string | null;
  points_allowed: number | null;
  possessions: number | null;
  defensive_rating: number | null;
  paint_fg_pct_allowed: number | null;
  mid_fg_pct_allowed: number | null;
  three_fg_pct_allowed: number | null;
  paint_fga_allowed: number | null;
  mid_fga_allowed: number | null;
  three_fga_allowed: number | null;
  paint_fgm_allowed: number | null;
  mid_fgm_allowed: number | null;
  three_fgm_allowed: number | null;
  pace: number | null;
};

export type PlayerGameSummaryRow = {
  game_date: string;
  game_id: string;
  player_lookup: string;
  team_abbr: string | null;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  played: boolean | null;
  minutes: number | null;
  points: number | null;
  fga: number | null;
  fgm: number | null;
  paint_fga: number | null;
  paint_fgm: number | null;
  mid_fga: number | null;
  mid_fgm: number | null;
  three_fga: number | null;
  three_fgm: number | null;
  fta: number | null;
  ftm: number | null;
  usage_rate: number | null;
  true_shooting_pct: number | null;
  points_line: number | null;
  line_source: string | null;
  data_sources: string | null;
};

export type UpcomingPlayerRow = {
  game_date: string;
  game_id: string | null;
  player_lookup: string;
  team_abbr: string | null;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  days_rest: number | null;
  back_to_back: boolean | null;
  games_last_30_days: number | null;
  current_points_line: number | null;
  opening_points_line: number | null;
  line_movement: number | null;
  line_source: string | null;
  injury_status: string | null;
};

export type UpcomingTeamRow = {
  game_date: string;
  game_id: string | null;
  team_abbr: string;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  days_rest: number | null;
  back_to_back: boolean | null;
  players_out: number | null;
  players_questionable: number | null;
};
