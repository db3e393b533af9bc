// Rows of the predictions processor's reads → one PlayerInput per player with features. The
// feature row is the roster of record (a player without features gets no prediction); tonight's
// context supplies the line, venue, rest and injury status, falling back to the features.
import { featureVector } from './systems/features.js';
import type { PastGame, PlayerInput, TeamDefense } from './systems/types.js';
import { bool, byText, num, str } from './values.js';

type Rows = readonly Record<string, unknown>[];

export interface PredictionReads {
  features: Rows;
  context: Rows;
  history: Rows;
  defense: Rows;
}

/** FG% allowed relative to the league: `vs_league` is allowed − league (a fraction), so league = allowed − vs. */
function relative(allowed: number | null, vsLeague: number | null, leagueMean: number | null): number | null {
  if (allowed !== null && vsLeague !== null && allowed - vsLeague > 0) return vsLeague / (allowed - vsLeague);
  if (allowed !== null && leagueMean) return allowed / leagueMean - 1;
  return null;
}

export function teamDefenses(rows: Rows): Map<string, TeamDefense> {
  const avg = (col: string) => {
    const xs = rows.map((r) => num(r[col])).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  };
  const league = { paint: avg('paint_fg_pct_allowed'), mid: avg('mid_fg_pct_allowed'), three: avg('three_fg_pct_allowed') };
  const out = new Map<string, TeamDefense>();
  for (const r of rows) {
    const team = str(r.team_abbr);
    if (!team) continue;
    out.set(team, {
      team,
      paint: relative(num(r.paint_fg_pct_allowed), num(r.paint_vs_league), league.paint),
      mid: relative(num(r.mid_fg_pct_allowed), num(r.mid_vs_league), league.mid),
      three: relative(num(r.three_fg_pct_allowed), num(r.three_vs_league), league.three),
      defensiveRating: num(r.defensive_rating),
    });
  }
  return out;
}

function histories(rows: Rows, before: string): Map<string, PastGame[]> {
  const out = new Map<string, PastGame[]>();
  for (const r of rows) {
    const player = str(r.player_lookup);
    const date = str(r.game_date);
    const points = num(r.points);
    const minutes = num(r.minutes) ?? 0;
    if (!player || !date || date >= before || points === null || bool(r.played) === false || minutes <= 0) continue;
    let list = out.get(player);
    if (!list) out.set(player, (list = []));
    list.push({ date, gameId: str(r.game_id), opponent: str(r.opponent_team_abbr), isHome: bool(r.is_home), points, minutes });
  }
  for (const list of out.values()) list.sort((a, b) => byText(a.date, b.date) || byText(a.gameId ?? '', b.gameId ?? ''));
  return out;
}

export function playerInputs(date: string, reads: PredictionReads): PlayerInput[] {
  const contextBy = new Map<string, Record<string, unknown>>();
  for (const r of reads.context) {
    const p = str(r.player_lookup);
    if (p) contextBy.set(p, r);
  }
  const historyBy = histories(reads.history, date);
  const defenseByTeam = teamDefenses(reads.defense);
  const inputs: PlayerInput[] = [];
  for (const r of reads.features) {
    const player = str(r.player_lookup);
    if (!player) continue;
    const c = contextBy.get(player) ?? {};
    const features = featureVector(r.feature_names, r.features);
    const rawCompleteness = num(r.completeness);
    const homeFeature = features.get('home_away');
    const b2bFeature = features.get('back_to_back');
    inputs.push({
      date, player, features,
      gameId: str(r.game_id) ?? str(c.game_id),
      team: str(r.team_abbr) ?? str(c.team_abbr),
      opponent: str(r.opponent_team_abbr) ?? str(c.opponent_team_abbr),
      isHome: bool(c.is_home) ?? (homeFeature === null ? null : homeFeature >= 0.5),
      completeness: rawCompleteness === null ? null : rawCompleteness > 1 ? rawCompleteness / 100 : rawCompleteness,
      backToBack: bool(c.back_to_back) ?? (b2bFeature !== null && b2bFeature >= 0.5),
      daysRest: num(c.days_rest),
      line: num(c.current_points_line),
      lineSource: str(c.line_source),
      injuryStatus: str(c.injury_status),
      history: historyBy.get(player) ?? [],
      defenseByTeam,
    });
  }
  return inputs.sort((a, b) => byText(a.player, b.player));
}
