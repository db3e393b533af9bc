// Public entry point of the sample data source: the HTTP server, the control API and
// the pure generators (same JSON as the endpoints, no socket needed).

export { startSampleSource, type SampleSource, type SampleSourceOptions } from './server.js';
export {
  SampleControl,
  type CorrectionInput,
  type FailInput,
  type FailureMode,
  type FailureRule,
  type InjuryFlipInput,
  type LatePropInput,
  type PlayerRef,
} from './control.js';
export {
  bettingprosPlayerProps,
  bigdataballPlayByPlay,
  boundApi,
  boxscorePlayers,
  boxscoreTeams,
  gameBox,
  gamebook,
  gamebooks,
  injuryReport,
  oddsEvents,
  oddsPlayerProps,
  playByPlay,
  schedule,
  scoreboard,
  seasonSchedule,
  type BoundApi,
  type SnapshotQuery,
} from './api.js';
export { OFF_DAYS, SEASON_END, SEASON_LABEL, SEASON_START, gamesOn, isBackToBack, season, type ScheduledGame, type Season } from './calendar.js';
export { league, roster, findPlayer, type League, type Player, type Position, type Role, type Skills } from './rosters.js';
export { TEAMS, team, type Team } from './teams.js';
export { REPORT_TIMES, INJURY_STATUSES, type InjuryStatus } from './injuries.js';
export { BOOKS, PROP_SNAPSHOTS, type Book } from './props.js';
export { oddsEventId, bettingprosEventId, bettingprosPlayerId } from './odds.js';
export { NO_OVERRIDES, type Overrides, type BoxCorrection, type LateProp } from './overrides.js';
export type { GameBox, TeamBox, PlayerBox, StatLine } from './boxscore.js';
export { SourceError } from './errors.js';
export { clearCaches } from './cache.js';
export { toLookup } from './names.js';
