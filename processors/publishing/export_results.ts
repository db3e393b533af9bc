// Phase 6: the date's graded predictions as v1/results/{date}.json — the published (ensemble)
// system's summary and results, and every system's accuracy with its running totals from
// system_daily_performance (null until that is computed). Deterministic: identical inputs give
// identical bytes.
import { defineProcessor } from 'pipeline/processor';
import { totals, type Totals } from '../predictions/performance.js';
import { bool, byText, num, round, str } from '../predictions/values.js';
import { publishObject } from './publish.js';
import { bySystem, PUBLISHED_SYSTEM } from './view.js';

type Rows = readonly Record<string, unknown>[];

function summary(t: Totals) {
  return { total: t.predictions, graded: t.graded, voided: t.voided, correct: t.correct, incorrect: t.incorrect, win_rate: t.win_rate, mae: t.mae, bias: t.bias };
}

function running(r: Record<string, unknown> | undefined) {
  if (!r) return null;
  const int = (v: unknown) => Math.max(0, Math.round(num(v) ?? 0));
  const opt = (v: unknown, d: number) => (num(v) === null ? null : round(num(v)!, d));
  return {
    predictions: int(r.running_predictions), graded: int(r.running_graded), correct: int(r.running_correct),
    win_rate: opt(r.running_win_rate, 4), mae: opt(r.running_mae, 3), bias: opt(r.running_bias, 3),
  };
}

export function resultsFile(date: string, accuracy: Rows, performance: Rows) {
  const systems = new Map<string, Record<string, unknown>[]>();
  for (const r of accuracy) {
    const s = str(r.system_id);
    if (s) (systems.get(s) ?? systems.set(s, []).get(s)!).push(r);
  }
  const perfBy = new Map(performance.map((r) => [str(r.system_id) ?? '', r] as const));
  const published = [...(systems.get(PUBLISHED_SYSTEM) ?? [])].sort((a, b) => byText(String(a.player_lookup), String(b.player_lookup)));
  return {
    game_date: date,
    system: PUBLISHED_SYSTEM,
    summary: summary(totals(published)),
    results: published.map((r) => {
      const actual = num(r.actual_points);
      return {
        player_lookup: String(r.player_lookup), team: str(r.team_abbr), opponent: str(r.opponent_team_abbr), game_id: str(r.game_id),
        predicted: round(Math.max(0, num(r.predicted_points) ?? 0), 1), actual: actual === null ? null : Math.max(0, Math.round(actual)), line: num(r.points_line),
        recommendation: str(r.recommendation) ?? 'PASS', correct: bool(r.prediction_correct),
        absolute_error: num(r.absolute_error), signed_error: num(r.signed_error), is_voided: bool(r.is_voided) === true, void_reason: str(r.void_reason),
      };
    }),
    systems: [...systems.keys()].sort(bySystem).map((s) => ({ system_id: s, today: totals(systems.get(s)!), running: running(perfBy.get(s)) })),
  };
}

export default defineProcessor('export_results', {
  async run(ctx) {
    const [accuracy, performance] = await Promise.all([
      ctx.read('nba_predictions.prediction_accuracy'),
      ctx.read('nba_predictions.system_daily_performance'),
    ]);
    const file = resultsFile(ctx.partition, accuracy, performance);
    await publishObject(ctx, 'objects/api_results', `v1/results/${ctx.partition}.json`, 'results', file);
    ctx.log.info(`published results of ${file.results.length} players`, { ...file.summary });
  },
});
