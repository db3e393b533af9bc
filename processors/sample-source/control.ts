// Control surface for simulating late and corrected data between scraper runs, plus
// failure injection for retry tests. Used directly (programmatic API) and by the
// /_control HTTP endpoints; inputs use the same snake_case fields in both.

import { gamesOn } from './calendar.js';
import { requireDate, requireTime } from './dates.js';
import { applyCorrection } from './corrections.js';
import { day } from './day.js';
import { badRequest } from './errors.js';
import { INJURY_STATUSES, type InjuryFlip, type InjuryStatus } from './injuries.js';
import type { BoxCorrection, LateProp, Overrides } from './overrides.js';
import { NO_OVERRIDES } from './overrides.js';
import { BOOK_KEYS, resolveSnapshot } from './props.js';
import { findPlayer, type Player } from './rosters.js';

export type FailureMode = 'error' | 'non-json' | 'truncated-json';
export const FAILURE_MODES: readonly FailureMode[] = ['error', 'non-json', 'truncated-json'];

export interface PlayerRef {
  player_id?: number;
  player_lookup?: string;
}

export interface InjuryFlipInput extends PlayerRef {
  date: string;
  /** ET "HH:MM"; reports at or after it carry the new status. */
  from: string;
  status: InjuryStatus;
  reason?: string;
}

export interface CorrectionInput extends PlayerRef {
  date: string;
  game_id: string;
  points?: number;
  fgm?: number;
}

export interface LatePropInput extends PlayerRef {
  date: string;
  /** Defaults to the player's expected points rounded to x.5. */
  line?: number;
  /** odds-api bookmaker keys; default draftkings + fanduel. */
  books?: string[];
  /** First snapshot index carrying the line (or give `from` as ET "HH:MM"); default last. */
  from_snapshot?: number;
  from?: string;
}

export interface FailInput {
  /** Exact request path ("/nba-com/scoreboard"), or a prefix ending in "*". */
  path: string;
  count?: number;
  mode?: FailureMode;
  /** HTTP status for mode "error" (default 500). */
  status?: number;
}

export interface FailureRule {
  path: string;
  remaining: number;
  mode: FailureMode;
  status: number;
}

export class SampleControl {
  private current: Overrides = NO_OVERRIDES;
  private failures: FailureRule[] = [];

  constructor(readonly seed: number) {}

  get overrides(): Overrides {
    return this.current;
  }

  private player(ref: PlayerRef, date: string): Player {
    const p = findPlayer(this.seed, ref);
    if (!p) throw badRequest('unknown player', { accepted: 'player_id (number) or player_lookup (letters only)' });
    if (!gamesOn(this.seed, date).some((g) => g.home === p.team || g.away === p.team)) {
      throw badRequest(`${p.name} (${p.team}) has no game on ${date}`);
    }
    return p;
  }

  flipInjury(input: InjuryFlipInput): InjuryFlip {
    const date = requireDate(input?.date);
    const from = requireTime(String(input.from ?? ''), 'from');
    if (!INJURY_STATUSES.includes(input.status)) throw badRequest(`bad status: ${String(input.status)}`, { accepted: INJURY_STATUSES });
    const p = this.player(input, date);
    const flip: InjuryFlip = { date, playerId: p.id, from, status: input.status, ...(input.reason ? { reason: String(input.reason) } : {}) };
    this.current = { ...this.current, flips: [...this.current.flips, flip] };
    return flip;
  }

  correctBoxScore(input: CorrectionInput): BoxCorrection {
    const date = requireDate(input?.date);
    if (input.points === undefined && input.fgm === undefined) throw badRequest('give points and/or fgm');
    const p = this.player(input, date);
    const d = day(this.seed, date, this.current);
    const g = d.game({ gameId: String(input.game_id ?? '') });
    const correction: BoxCorrection = {
      date, gameId: g.gameId, playerId: p.id,
      ...(input.points !== undefined ? { points: Number(input.points) } : {}),
      ...(input.fgm !== undefined ? { fgm: Number(input.fgm) } : {}),
    };
    applyCorrection(d.sim(g.gameId), correction); // throws (400) when it cannot be applied
    this.current = { ...this.current, corrections: [...this.current.corrections, correction] };
    return correction;
  }

  addLateProp(input: LatePropInput): LateProp {
    const date = requireDate(input?.date);
    const p = this.player(input, date);
    const books = input.books ?? ['draftkings', 'fanduel'];
    if (!Array.isArray(books) || books.length === 0) throw badRequest('books must be a non-empty list', { accepted: BOOK_KEYS });
    const unknown = books.filter((b) => !BOOK_KEYS.includes(b));
    if (unknown.length) throw badRequest(`bad books: ${unknown.join(',')}`, { accepted: BOOK_KEYS });
    const fromSnapshot = resolveSnapshot(input.from_snapshot === undefined ? null : String(input.from_snapshot), input.from ?? null);
    const line = input.line ?? Math.max(0.5, Math.floor(p.expectedPoints) + 0.5);
    if (typeof line !== 'number' || !Number.isFinite(line) || line <= 0) throw badRequest('line must be a positive number');
    const late: LateProp = { date, playerId: p.id, fromSnapshot, line, books };
    this.current = { ...this.current, lateProps: [...this.current.lateProps, late] };
    return late;
  }

  failNext(input: FailInput): FailureRule {
    if (typeof input?.path !== 'string' || !input.path.startsWith('/')) throw badRequest('path must start with /');
    const mode = input.mode ?? 'error';
    if (!FAILURE_MODES.includes(mode)) throw badRequest(`bad mode: ${String(mode)}`, { accepted: FAILURE_MODES });
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw badRequest('count must be a positive integer');
    const status = input.status ?? 500;
    if (!Number.isInteger(status) || status < 100 || status > 599) throw badRequest('status must be an HTTP status code');
    const rule: FailureRule = { path: input.path, remaining: count, mode, status };
    this.failures.push(rule);
    return rule;
  }

  /** Consumes one pending failure matching the path (used by the HTTP layer). */
  takeFailure(path: string): FailureRule | null {
    const rule = this.failures.find((r) => r.remaining > 0 && (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path));
    if (!rule) return null;
    rule.remaining--;
    this.failures = this.failures.filter((r) => r.remaining > 0);
    return { ...rule };
  }

  reset(): void {
    this.current = NO_OVERRIDES;
    this.failures = [];
  }

  state() {
    return { seed: this.seed, ...this.current, failures: this.failures.map((f) => ({ ...f })) };
  }
}
