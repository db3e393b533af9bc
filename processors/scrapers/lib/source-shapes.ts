// What the pipeline needs from each source payload: the shapes scrapers validate on fetch (schema drift
// fails the run with SourceFormatError) and raw processors re-check when they load stored objects,
// with the matching TypeScript views. Only fields the pipeline uses are listed.
import type { Shape } from './shape.js';

// ---- nba.com liveData scoreboard
const SB_SIDE: Shape = { teamId: 'integer', teamTricode: 'string', 'score?': 'integer' };
export const SCOREBOARD_SHAPE: Shape = {
  'meta?': { 'time?': 'string' },
  scoreboard: { gameDate: 'string', games: [{ gameId: 'string', gameStatus: 'integer', gameStatusText: 'string', homeTeam: SB_SIDE, awayTeam: SB_SIDE }] },
};
export interface ScoreboardSide { teamId: number; teamTricode: string; score?: number | null }
export interface ScoreboardBody {
  meta?: { time?: string };
  scoreboard: { gameDate: string; games: Array<{ gameId: string; gameCode?: string; gameStatus: number; gameStatusText: string; homeTeam: ScoreboardSide; awayTeam: ScoreboardSide }> };
}

// ---- nba.com gamebook (the PDF, parsed)
export const GAMEBOOK_SHAPE: Shape = {
  game_code: 'string',
  game_id: 'string',
  game_date: 'string',
  'start_time_et?': 'string',
  status: 'string',
  teams: [{
    side: 'string',
    team_abbr: 'string',
    players: [{
      player_name: 'string', status: 'string', 'dnp_reason?': 'string', 'starter?': 'boolean', 'minutes?': 'string',
      'pts?': 'integer', 'fgm?': 'integer', 'fga?': 'integer', 'fg3m?': 'integer', 'fg3a?': 'integer', 'ftm?': 'integer', 'fta?': 'integer',
      'reb?': 'integer', 'ast?': 'integer', 'tov?': 'integer', 'plus_minus?': 'integer',
    }],
  }],
};
export interface GamebookPlayer {
  player_id?: number; player_name: string; status: string; dnp_reason?: string | null; starter?: boolean; minutes?: string | null;
  pts?: number; fgm?: number; fga?: number; fg3m?: number; fg3a?: number; ftm?: number; fta?: number; reb?: number; ast?: number; tov?: number; plus_minus?: number;
}
export interface GamebookBody {
  game_code: string; game_id: string; game_date: string; start_time_et?: string; status: string;
  teams: Array<{ side: string; team_abbr: string; players: GamebookPlayer[] }>;
}

// ---- stats.nba.com box scores (resultSets)
export const PLAYER_STATS_HEADERS = ['GAME_ID', 'TEAM_ABBREVIATION', 'PLAYER_ID', 'PLAYER_NAME', 'COMMENT', 'MIN', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA', 'REB', 'AST', 'TO', 'PTS'] as const;
export const TEAM_STATS_HEADERS = ['GAME_ID', 'TEAM_ABBREVIATION', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA', 'OREB', 'DREB', 'AST', 'TO', 'PTS'] as const;

// ---- nba.com liveData play-by-play
export const PLAY_BY_PLAY_SHAPE: Shape = {
  'meta?': { 'time?': 'string' },
  game: {
    gameId: 'string',
    actions: [{
      actionNumber: 'integer', clock: 'string', period: 'integer', actionType: 'string', 'timeActual?': 'string', 'teamTricode?': 'string',
      'personId?': 'integer', 'isFieldGoal?': 'integer', 'shotResult?': 'string', 'shotDistance?': 'number',
    }],
  },
};
export interface PbpAction {
  actionNumber: number; clock: string; period: number; actionType: string; subType?: string; timeActual?: string; teamTricode?: string | null;
  personId?: number | null; playerName?: string | null; isFieldGoal?: number; shotResult?: string; shotDistance?: number | null; area?: string;
}
export interface PlayByPlayBody { meta?: { time?: string }; game: { gameId: string; actions: PbpAction[] } }

// ---- nba.com injury report (the PDF, parsed)
export const INJURY_REPORT_SHAPE: Shape = {
  report_date: 'string',
  'report_time?': 'string',
  'available_times?': ['string'],
  entries: [{ game_date: 'string', matchup: 'string', team: 'string', player_name: 'string', current_status: 'string', 'reason?': 'string' }],
};
export interface InjuryEntry { game_date: string; matchup: string; team: string; player_name: string; current_status: string; reason?: string | null }
export interface InjuryReportBody { report_date: string; report_time?: string | null; available_times?: string[]; entries: InjuryEntry[] }

// ---- The Odds API (v4 historical envelopes)
const ODDS_EVENT: Shape = { id: 'string', commence_time: 'string', home_team: 'string', away_team: 'string' };
export const ODDS_EVENTS_SHAPE: Shape = { 'timestamp?': 'string', data: [ODDS_EVENT] };
export const ODDS_PROPS_SHAPE: Shape = {
  timestamp: 'string',
  'next_timestamp?': 'string',
  data: {
    ...ODDS_EVENT,
    bookmakers: [{ key: 'string', markets: [{ key: 'string', outcomes: [{ name: 'string', description: 'string', 'price?': 'number', 'point?': 'number' }] }] }],
  },
};
export interface OddsEvent { id: string; commence_time: string; home_team: string; away_team: string }
export interface OddsEventsBody { timestamp?: string; data: OddsEvent[] }
export interface OddsOutcome { name: string; description: string; price?: number | null; point?: number | null }
export interface OddsPropsBody {
  timestamp: string; previous_timestamp?: string | null; next_timestamp?: string | null;
  data: OddsEvent & { bookmakers: Array<{ key: string; title?: string; last_update?: string; markets: Array<{ key: string; outcomes: OddsOutcome[] }> }> };
}

// ---- BettingPros v3 offers
export const BETTINGPROS_SHAPE: Shape = {
  '_parameters?': { 'date?': 'string', 'snapshot?': 'integer', 'snapshot_time_et?': 'string' },
  '_pagination?': { 'page?': 'integer', 'total_pages?': 'integer' },
  books: [{ id: 'integer', name: 'string', 'odds_api_key?': 'string' }],
  offers: [{
    event_id: 'integer',
    participants: [{ name: 'string', 'player?': { 'team?': 'string' } }],
    selections: [{ selection: 'string', books: [{ id: 'integer', lines: [{ line: 'number', cost: 'number', 'updated?': 'string', 'active?': 'boolean' }] }] }],
  }],
};
export interface BpLine { line: number; cost: number; updated?: string; active?: boolean }
export interface BpOffer {
  event_id: number;
  participants: Array<{ name: string; player?: { team?: string } }>;
  selections: Array<{ selection: string; books: Array<{ id: number; lines: BpLine[] }> }>;
}
export interface BettingProsBody {
  _parameters?: { date?: string; snapshot?: number; snapshot_time_et?: string };
  _pagination?: { page?: number; total_pages?: number };
  books: Array<{ id: number; name: string; odds_api_key?: string }>;
  events?: Array<{ id: number; home: string; visitor: string; scheduled?: string }>;
  offers: BpOffer[];
}

// ---- BigDataBall play-by-play (CSV rows as JSON)
export const BIGDATABALL_SHAPE: Shape = [{
  game_id: 'string|integer', play_id: 'integer', period: 'integer', event_type: 'string', 'team?': 'string', 'player?': 'string',
  'result?': 'string', 'points?': 'integer', 'shot_distance?': 'number', 'type?': 'string',
}];
export interface BdbRow {
  game_id: string | number; play_id: number; period: number; event_type: string; team?: string; player?: string; result?: string;
  points?: number | null; shot_distance?: number | null; type?: string; remaining_time?: string;
}
