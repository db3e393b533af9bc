// The date's predictions as the publishers see them: one entry per player with the published
// (ensemble) prediction, every system's detail, and the game it belongs to. Everything is sorted
// and rounded here, so every file built from it is byte-for-byte reproducible.
import { SYSTEM_IDS } from '../predictions/predict.js';
import { byText, bool, num, round, str } from '../predictions/values.js';

export const PUBLISHED_SYSTEM = 'ensemble';
const ORDER: readonly string[] = SYSTEM_IDS;

/** Systems in their published order (the ensemble last), unknown ones after, by name. */
export const bySystem = (a: string, b: string) => {
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return rank(a) - rank(b) || byText(a, b);
};

type Rows = readonly Record<string, unknown>[];

export interface Prediction {
  points: number;
  confidence: number;
  recommendation: string;
  line: number | null;
  edge: number | null;
  reason: string | null;
}

export interface SystemPrediction extends Prediction {
  system_id: string;
}

export interface PlayerView {
  player: string;
  team: string | null;
  opponent: string | null;
  gameId: string;
  isHome: boolean | null;
  injuryStatus: string | null;
  prediction: Prediction;
  systems: SystemPrediction[];
  /** Each system's `factors` JSON, by system id. */
  factors: Record<string, unknown>;
}

export interface GameView {
  gameId: string;
  homeTeam: string | null;
  awayTeam: string | null;
  players: PlayerView[];
}

export interface DateView {
  date: string;
  predictionRows: number;
  players: PlayerView[];
  games: GameView[];
}

function predictionOf(r: Record<string, unknown>): Prediction {
  return {
    points: round(num(r.predicted_points) ?? 0, 1),
    confidence: round(num(r.confidence) ?? 0, 1),
    recommendation: str(r.recommendation) ?? 'PASS',
    line: num(r.current_points_line),
    edge: num(r.line_margin),
    reason: str(r.recommendation_reason),
  };
}

export function dateView(date: string, predictions: Rows, context: Rows): DateView {
  const ctxBy = new Map<string, Record<string, unknown>>();
  for (const c of context) {
    const p = str(c.player_lookup);
    if (p) ctxBy.set(p, c);
  }
  const byPlayer = new Map<string, Record<string, unknown>[]>();
  for (const r of predictions) {
    const p = str(r.player_lookup);
    if (p) (byPlayer.get(p) ?? byPlayer.set(p, []).get(p)!).push(r);
  }
  const players: PlayerView[] = [];
  for (const [player, rows] of [...byPlayer].sort((a, b) => byText(a[0], b[0]))) {
    const published = rows.find((r) => r.system_id === PUBLISHED_SYSTEM);
    if (!published) continue;
    const c = ctxBy.get(player) ?? {};
    const team = str(published.team_abbr) ?? str(c.team_abbr);
    const opponent = str(published.opponent_team_abbr) ?? str(c.opponent_team_abbr);
    const sorted = [...rows].sort((a, b) => bySystem(String(a.system_id), String(b.system_id)));
    players.push({
      player, team, opponent,
      gameId: str(published.game_id) ?? str(c.game_id) ?? `${team ?? 'UNK'}-${opponent ?? 'UNK'}`,
      isHome: bool(published.is_home) ?? bool(c.is_home),
      injuryStatus: str(published.injury_status) ?? str(c.injury_status),
      prediction: predictionOf(published),
      systems: sorted.map((r) => ({ system_id: String(r.system_id), ...predictionOf(r) })),
      factors: Object.fromEntries(sorted.map((r) => [String(r.system_id), r.factors ?? null])),
    });
  }
  const byGame = new Map<string, PlayerView[]>();
  for (const p of players) (byGame.get(p.gameId) ?? byGame.set(p.gameId, []).get(p.gameId)!).push(p);
  const games = [...byGame].sort((a, b) => byText(a[0], b[0])).map(([gameId, ps]): GameView => {
    const home = ps.find((p) => p.isHome === true);
    const away = ps.find((p) => p.isHome === false);
    const homeTeam = home?.team ?? away?.opponent ?? null;
    const awayTeam = away?.team ?? home?.opponent ?? null;
    const side = (p: PlayerView) => (p.team !== null && p.team === homeTeam ? 1 : 0);
    return { gameId, homeTeam, awayTeam, players: [...ps].sort((a, b) => side(a) - side(b) || byText(a.team ?? '', b.team ?? '') || byText(a.player, b.player)) };
  });
  return { date, predictionRows: predictions.length, players, games };
}

export function counts(players: readonly PlayerView[]) {
  const n = (rec: string) => players.filter((p) => p.prediction.recommendation === rec).length;
  return { over: n('OVER'), under: n('UNDER'), pass: n('PASS'), no_line: n('NO_LINE') };
}

export function totals(v: DateView) {
  return { games: v.games.length, players: v.players.length, predictions: v.predictionRows, ...counts(v.players) };
}

export function playerEntry(p: PlayerView) {
  return { player_lookup: p.player, team: p.team, opponent: p.opponent, game_id: p.gameId, is_home: p.isHome, injury_status: p.injuryStatus, prediction: p.prediction, systems: p.systems };
}

/** Recent form from player_daily_cache rows, by player. */
export function recentForm(cache: Rows): Map<string, Record<string, number | null>> {
  const r1 = (v: unknown) => (num(v) === null ? null : round(Math.max(0, num(v)!), 1));
  const int = (v: unknown) => (num(v) === null ? null : Math.max(0, Math.round(num(v)!)));
  const out = new Map<string, Record<string, number | null>>();
  for (const c of cache) {
    const p = str(c.player_lookup);
    if (!p) continue;
    out.set(p, {
      games_played_season: int(c.games_played_season), points_avg_last_5: r1(c.points_avg_last_5), points_avg_last_10: r1(c.points_avg_last_10),
      points_avg_season: r1(c.points_avg_season), points_std_last_10: r1(c.points_std_last_10), minutes_avg_last_10: r1(c.minutes_avg_last_10),
      games_in_last_7_days: int(c.games_in_last_7_days),
    });
  }
  return out;
}
