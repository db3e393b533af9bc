// Internal play model shared by the simulator, the box-score aggregator, corrections
// and the play-by-play renderers. A play groups an attempt with its follow-ups (assist,
// block, rebound, and-one) so that editing it keeps every derived view consistent.

import type { ScheduledGame } from './calendar.js';
import type { Player } from './rosters.js';

export type Side = 0 | 1; // 0 = away, 1 = home
export type Zone = 'paint' | 'mid' | 'three';

export interface Rebound {
  side: Side;
  pid: number;
  offensive: boolean;
}

export interface FgPlay {
  k: 'fg';
  /** Elapsed game seconds (0..2880). */
  t: number;
  side: Side;
  pid: number;
  made: boolean;
  three: boolean;
  /** Feet from the rim; paint zone <= 8 ft, threes >= 22 ft. */
  dist: number;
  zone: Zone;
  subType: string;
  descriptor: string;
  /** Radians from the rim's axis; gives court x/y consistent with dist. */
  angle: number;
  ast?: number;
  blk?: number;
  reb?: Rebound;
  and1?: { fouler: number; made: boolean; reb?: Rebound };
}

export interface FtPlay {
  k: 'ft';
  t: number;
  side: Side;
  pid: number;
  /** null for technical free throws (no personal foul charged). */
  fouler: number | null;
  made: boolean[];
  reb?: Rebound;
}

export interface TovPlay {
  k: 'tov';
  t: number;
  side: Side;
  pid: number;
  subType: string;
  stl?: number;
}

export interface FoulPlay {
  k: 'foul';
  t: number;
  /** Side of the player committing the foul. */
  side: Side;
  pid: number;
  drawn: number | null;
  subType: string;
}

export type Play = FgPlay | FtPlay | TovPlay | FoulPlay;

export type ParticipantStatus = 'active' | 'dnp' | 'inactive';

export interface Participant {
  player: Player;
  side: Side;
  status: ParticipantStatus;
  /** Gamebook comment for non-active players ("DNP - Coach's Decision", ...). */
  reason: string | null;
  starter: boolean;
  seconds: number;
  /** Per-player +/- noise; kept fixed so corrections only move the margin part. */
  pmNoise: number;
}

export interface SimGame {
  game: ScheduledGame;
  participants: [Participant[], Participant[]];
  /** Sorted by t. */
  plays: Play[];
}

export function clonePlays(plays: readonly Play[]): Play[] {
  return plays.map((p) => structuredClone(p));
}
