// Phase 5: per system, the partition's accuracy and the running totals over the 180-day window up
// to and including the partition. Written for every system graded on the date.
import type { NbaPredictionsSystemDailyPerformanceRow } from '../../generated/index.js';
import { defineProcessor } from 'pipeline/processor';
import type { Filled, Unpartitioned } from '../shared/rows.js';
import { totals } from './performance.js';
import { byText, str } from './values.js';

/** A row of system_daily_performance as performanceRows builds it: the counts are always there. */
export type PerformanceRow = Filled<
  Unpartitioned<NbaPredictionsSystemDailyPerformanceRow>,
  'predictions' | 'graded' | 'voided' | 'correct' | 'incorrect' | 'running_predictions' | 'running_graded' | 'running_correct'
>;

type Rows = Record<string, unknown>[];

export function performanceRows(date: string, rows: readonly Record<string, unknown>[]): PerformanceRow[] {
  const today = new Map<string, Rows>();
  const running = new Map<string, Rows>();
  for (const r of rows) {
    const system = str(r.system_id);
    const d = str(r.game_date);
    if (!system || !d || d > date) continue;
    (running.get(system) ?? running.set(system, []).get(system)!).push(r);
    if (d === date) (today.get(system) ?? today.set(system, []).get(system)!).push(r);
  }
  return [...today.keys()].sort(byText).map((system) => {
    const t = totals(today.get(system)!);
    const run = totals(running.get(system)!);
    return {
      system_id: system, ...t,
      running_predictions: run.predictions, running_graded: run.graded, running_correct: run.correct,
      running_win_rate: run.win_rate, running_mae: run.mae, running_bias: run.bias,
    };
  });
}

export default defineProcessor('system_performance', {
  async run(ctx) {
    const rows = await ctx.read('nba_predictions.prediction_accuracy');
    const out = performanceRows(ctx.partition, rows);
    ctx.log.info(`performance of ${out.length} systems`, { rows: rows.length });
    ctx.write(out);
  },
});
