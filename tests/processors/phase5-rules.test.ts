// Phase 5's rules as pure functions: systems without enough data pass, the recommendation rule's
// precedence and inclusive thresholds, and grading's pushes, PASS and DNPs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../processors/predictions/recommendation.js';
import { predictPlayer, type PredictionRow } from '../../processors/predictions/predict.js';
import { grade } from '../../processors/predictions/grading.js';
import { featureVector } from '../../processors/predictions/systems/features.js';
import type { PlayerInput } from '../../processors/predictions/systems/types.js';
import * as fx from './phase5-6.fixture.js';

describe('phase 5 rules (pure)', () => {
  const input = (over: Partial<PlayerInput> = {}): PlayerInput => ({
    date: fx.D2, player: 'rookie', gameId: 'G1', team: 'BOS', opponent: 'NYK', isHome: true,
    features: featureVector(['points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw'], [12, 11, 10, 3, 0.5, 0.2, 0.2, 0.1]),
    completeness: 1, backToBack: false, daysRest: 2, line: 6.5, lineSource: 'odds_api', injuryStatus: null,
    history: [{ date: '2025-11-10', gameId: 'G0', opponent: 'NYK', isHome: true, points: 11, minutes: 20 }], defenseByTeam: new Map(), ...over,
  });
  const bySystem = (rows: PredictionRow[]) => new Map(rows.map((r) => [r.system_id, r]));

  it('a player with too little history: similarity passes (insufficient_data), zone matchup without defence passes (low_confidence)', () => {
    const rows = bySystem(predictPlayer(input()));
    assert.equal(rows.size, 4);
    assert.deepEqual([rows.get('similarity')!.recommendation, rows.get('similarity')!.recommendation_reason], ['PASS', 'insufficient_data']);
    assert.deepEqual([rows.get('zone_matchup')!.recommendation, rows.get('zone_matchup')!.recommendation_reason], ['PASS', 'low_confidence']);
    assert.equal(rows.get('moving_average')!.recommendation, 'OVER');
    assert.equal((rows.get('ensemble')!.factors as { systems_used: number }).systems_used, 2, 'the ensemble leaves out systems without data');
  });

  it('no line beats Out; Out beats everything else; the thresholds are inclusive', () => {
    assert.equal(decide({ points: 20, confidence: 90, line: null, injuryStatus: 'Out' }).recommendation, 'NO_LINE');
    assert.deepEqual(decide({ points: 30, confidence: 90, line: 20.5, injuryStatus: 'OUT' }), { recommendation: 'PASS', reason: 'player_out', margin: 9.5 });
    assert.deepEqual(decide({ points: 22.5, confidence: 90, line: 20.5, injuryStatus: null }), { recommendation: 'PASS', reason: 'small_edge', margin: 2 });
    assert.deepEqual(decide({ points: 22.6, confidence: 90, line: 20.5, injuryStatus: null }), { recommendation: 'OVER', reason: null, margin: 2.1 });
    assert.deepEqual(decide({ points: 10, confidence: 45, line: 20.5, injuryStatus: null }).reason, 'low_confidence');
    assert.deepEqual(decide({ points: 10, confidence: 45.1, line: 20.5, injuryStatus: null }), { recommendation: 'UNDER', reason: null, margin: -10.5 });
  });

  it('grading: a push and PASS are never right or wrong; no row or no minutes is a DNP', () => {
    const p = { system_id: 'ensemble', player_lookup: 'x', game_id: 'G', team_abbr: 'BOS', opponent_team_abbr: 'NYK', predicted_points: 25, confidence: 70, current_points_line: 20, recommendation: 'OVER' };
    assert.equal(grade(p, { points: 20, minutes: 30, played: true }).prediction_correct, null);
    assert.equal(grade(p, { points: 21, minutes: 30, played: true }).prediction_correct, true);
    assert.equal(grade({ ...p, recommendation: 'PASS' }, { points: 21, minutes: 30, played: true }).prediction_correct, null);
    assert.deepEqual([grade(p, undefined).is_voided, grade(p, { points: 0, minutes: 0, played: true }).void_reason], [true, 'DNP']);
  });
});
