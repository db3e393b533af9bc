// Best bets: the published system's OVER / UNDER picks (already past the PASS rule), ranked by
// |edge| × confidence, with the reasons a reader can check, taken from the systems' factors.
import { CONFIDENCE_THRESHOLD, EDGE_THRESHOLD } from '../predictions/recommendation.js';
import { byText, num } from '../predictions/values.js';
import type { PlayerView } from './view.js';

export const MAX_PICKS = 15;

const signed = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(1)}`;
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function reasons(p: PlayerView, direction: 'OVER' | 'UNDER'): string[] {
  const out = [`Projects ${p.prediction.points.toFixed(1)} points against a line of ${p.prediction.line!.toFixed(1)} (${signed(p.prediction.edge!)})`];
  const ens = obj(p.factors.ensemble);
  const agreeing = num(ens.systems_agreeing);
  const used = num(ens.systems_used);
  if (agreeing !== null && used !== null) out.push(`${agreeing} of ${used} systems lean ${direction}`);
  const ma = obj(p.factors.moving_average);
  const zone = num(ma.shot_zone);
  if (zone !== null && Math.abs(zone) >= 1) out.push(`${zone > 0 ? 'Favorable' : 'Unfavorable'} shot-zone matchup (${signed(zone)} pts)`);
  if (ma.back_to_back === true) out.push('Second night of a back-to-back');
  const fatigue = num(ma.fatigue);
  if (fatigue !== null && fatigue <= -1) out.push(`Fatigue (${signed(fatigue)} pts)`);
  const pace = num(ma.pace);
  if (pace !== null && Math.abs(pace) >= 0.75) out.push(`${pace > 0 ? 'Fast' : 'Slow'} pace expected (${signed(pace)} pts)`);
  const usage = num(ma.usage);
  if (usage !== null && Math.abs(usage) >= 0.8) out.push(`Usage ${usage > 0 ? 'spike' : 'drop'} (${signed(usage)} pts)`);
  const zm = obj(p.factors.zone_matchup);
  const matchup = num(zm.matchup_pct);
  if (zm.defense_available === true && matchup !== null && Math.abs(matchup) >= 2)
    out.push(`${p.opponent ?? 'Opponent'} allows ${Math.abs(matchup).toFixed(1)}% ${matchup > 0 ? 'more' : 'fewer'} points in his scoring zones`);
  const sim = obj(p.factors.similarity);
  const sameOpp = num(sim.same_opponent_games);
  if (sameOpp !== null && sameOpp > 0) out.push(`${sameOpp} similar past game${sameOpp === 1 ? '' : 's'} against ${p.opponent ?? 'this opponent'}`);
  return out;
}

export function bestBets(players: readonly PlayerView[], max = MAX_PICKS) {
  const eligible = players.filter((p) => (p.prediction.recommendation === 'OVER' || p.prediction.recommendation === 'UNDER') && p.prediction.line !== null && p.prediction.edge !== null);
  const score = (p: PlayerView) => Math.abs(p.prediction.edge!) * p.prediction.confidence;
  const ranked = [...eligible].sort((a, b) => score(b) - score(a) || b.prediction.confidence - a.prediction.confidence || byText(a.player, b.player)).slice(0, max);
  return ranked.map((p, i) => {
    const direction = p.prediction.recommendation as 'OVER' | 'UNDER';
    return {
      rank: i + 1, player_lookup: p.player, team: p.team, opponent: p.opponent, game_id: p.gameId, prediction: p.prediction.points, line: p.prediction.line!,
      direction, edge: p.prediction.edge!, confidence: p.prediction.confidence,
      systems_agreeing: p.systems.filter((s) => s.system_id !== 'ensemble' && s.line !== null && Math.sign(s.points - s.line) === (direction === 'OVER' ? 1 : -1)).length,
      reasons: reasons(p, direction),
    };
  });
}

export const CRITERIA = { confidence_above: CONFIDENCE_THRESHOLD, edge_above: EDGE_THRESHOLD, max_picks: MAX_PICKS, ranked_by: 'abs(edge) * confidence' };
