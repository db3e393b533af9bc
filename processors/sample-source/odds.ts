// odds-api (v4 historical-style envelopes) and bettingpros (v3 offers) renderings of
// the prop board in props.ts. Ids are deterministic per seed and game/player, and each
// source uses its own id space, as the real ones do.

import type { ScheduledGame } from './calendar.js';
import { etToUtcIso } from './dates.js';
import type { Day } from './day.js';
import { badRequest, notFound } from './errors.js';
import { hash32 } from './prng.js';
import { BOOKS, PROP_SNAPSHOTS, propBoard, type PropLine } from './props.js';
import { league, type Player } from './rosters.js';
import { team } from './teams.js';

export function oddsEventId(seed: number, gameId: string): string {
  return [0, 1, 2, 3].map((i) => hash32(`${seed}|odds-event|${gameId}|${i}`).toString(16).padStart(8, '0')).join('');
}

function snapshotUtc(d: Day, i: number): string | null {
  const t = PROP_SNAPSHOTS[i];
  return t ? etToUtcIso(d.date, t) : null;
}

function eventOf(d: Day, g: ScheduledGame) {
  return {
    id: oddsEventId(d.seed, g.gameId),
    sport_key: 'basketball_nba',
    sport_title: 'NBA',
    commence_time: etToUtcIso(g.date, g.startEt),
    home_team: team(g.home).fullName,
    away_team: team(g.away).fullName,
  };
}

function envelope<T>(d: Day, i: number, data: T) {
  return { timestamp: snapshotUtc(d, i), previous_timestamp: snapshotUtc(d, i - 1), next_timestamp: snapshotUtc(d, i + 1), data };
}

export function oddsEvents(d: Day) {
  return envelope(d, 0, d.games.map((g) => eventOf(d, g)));
}

function decimal(american: number): number {
  return Math.round((american > 0 ? 1 + american / 100 : 1 + 100 / -american) * 100) / 100;
}

function eventOdds(d: Day, g: ScheduledGame, lines: PropLine[], oddsFormat: 'american' | 'decimal') {
  const price = (x: number) => (oddsFormat === 'decimal' ? decimal(x) : x);
  const mine = lines.filter((l) => l.game.gameId === g.gameId);
  const bookmakers = BOOKS.flatMap((b) => {
    const bl = mine.filter((l) => l.book.key === b.key);
    if (!bl.length) return [];
    const last = bl.reduce((m, l) => (l.updatedEt > m ? l.updatedEt : m), '00:00');
    const lastUpdate = etToUtcIso(d.date, last);
    return [{
      key: b.key,
      title: b.title,
      last_update: lastUpdate,
      markets: [{
        key: 'player_points',
        last_update: lastUpdate,
        outcomes: bl.flatMap((l) => [
          { name: 'Over', description: l.player.name, price: price(l.over), point: l.line },
          { name: 'Under', description: l.player.name, price: price(l.under), point: l.line },
        ]),
      }],
    }];
  });
  return { ...eventOf(d, g), bookmakers };
}

export function oddsPlayerProps(d: Day, snapshot: number, eventId: string | null, oddsFormat: string | null) {
  const fmt = oddsFormat ?? 'american';
  if (fmt !== 'american' && fmt !== 'decimal') throw badRequest(`bad oddsFormat: ${fmt}`, { accepted: ['american', 'decimal'] });
  const lines = propBoard(d)[snapshot]?.lines ?? [];
  if (eventId) {
    const g = d.games.find((x) => oddsEventId(d.seed, x.gameId) === eventId);
    if (!g) throw notFound(`event ${eventId} not found on ${d.date}`);
    return envelope(d, snapshot, eventOdds(d, g, lines, fmt));
  }
  return envelope(d, snapshot, d.games.map((g) => eventOdds(d, g, lines, fmt)));
}

/** bettingpros has its own player and event id spaces. */
const bpIds = new WeakMap<object, Map<number, number>>();

export function bettingprosPlayerId(seed: number, p: Player): number {
  const l = league(seed);
  let ids = bpIds.get(l);
  if (!ids) {
    ids = new Map(l.players.map((x, i) => [x.id, 20000 + i]));
    bpIds.set(l, ids);
  }
  return ids.get(p.id) ?? 0;
}

export function bettingprosEventId(g: ScheduledGame): number {
  return 30000 + g.seq;
}

export const BETTINGPROS_MARKETS: Record<string, number> = { points: 156 };

export function bettingprosProps(d: Day, snapshot: number, market: string | null) {
  const key = market ?? 'points';
  const marketId = BETTINGPROS_MARKETS[key];
  if (!marketId) throw badRequest(`unsupported market: ${key}`, { accepted: Object.keys(BETTINGPROS_MARKETS) });
  const board = propBoard(d);
  const lines = board[snapshot]?.lines ?? [];
  const byPlayer = new Map<number, PropLine[]>();
  for (const l of lines) {
    const list = byPlayer.get(l.player.id);
    if (list) list.push(l);
    else byPlayer.set(l.player.id, [l]);
  }
  const opening = new Map<number, PropLine>();
  for (const s of board) for (const l of s.lines) if (!opening.has(l.player.id)) opening.set(l.player.id, l);
  const stamp = (hhmm: string) => `${d.date} ${hhmm}:00`;
  const offers = [...byPlayer.values()].map((pl) => {
    const first = pl[0] as PropLine;
    const p = first.player;
    const open = opening.get(p.id);
    const bestOver = Math.max(...pl.map((l) => l.over));
    const bestUnder = Math.max(...pl.map((l) => l.under));
    const selection = (side: 'over' | 'under') => ({
      selection: side,
      label: side === 'over' ? 'Over' : 'Under',
      opening_line: open ? { line: open.line, cost: side === 'over' ? open.over : open.under, book_id: open.book.bpId } : null,
      books: pl.map((l) => ({
        id: l.book.bpId,
        lines: [{ line: l.line, cost: side === 'over' ? l.over : l.under, updated: stamp(l.updatedEt), active: true, best: (side === 'over' ? l.over === bestOver : l.under === bestUnder) }],
      })),
    });
    return {
      offer_id: hash32(`${d.seed}|bp-offer|${d.date}|${p.id}|${marketId}`).toString(36),
      event_id: bettingprosEventId(first.game),
      market_id: marketId,
      is_live: false,
      participants: [{
        id: String(bettingprosPlayerId(d.seed, p)),
        name: p.name,
        type: 'player',
        player: { first_name: p.firstName, last_name: p.lastName, position: p.position, team: p.team, jersey_number: p.jersey },
      }],
      selections: [selection('over'), selection('under')],
    };
  });
  return {
    _parameters: { sport: 'NBA', market_id: String(marketId), date: d.date, snapshot, snapshot_time_et: PROP_SNAPSHOTS[snapshot] },
    _pagination: { page: 1, limit: offers.length, total_items: offers.length, total_pages: 1 },
    books: BOOKS.map((b) => ({ id: b.bpId, name: b.title, odds_api_key: b.key })),
    events: d.games.map((g) => ({ id: bettingprosEventId(g), home: g.home, visitor: g.away, scheduled: `${g.date} ${g.startEt}:00` })),
    offers,
  };
}
