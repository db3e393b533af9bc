// Ensemble: the confidence-weighted average of the other systems' (rounded) predictions. Its
// confidence is their weighted confidence, discounted when they disagree, nudged up when they all
// sit on the same side of the line and down when they split.
import { clamp, round, stdev } from '../values.js';
import type { FactorValue, SystemResult } from './types.js';

export const ENSEMBLE_ID = 'ensemble';

export interface Component {
  systemId: string;
  points: number;
  confidence: number;
  insufficient: boolean;
}

export function ensemble(components: readonly Component[], line: number | null): SystemResult {
  const usable = components.filter((c) => !c.insufficient);
  if (!usable.length) {
    const pts = components.length ? components.reduce((a, c) => a + c.points, 0) / components.length : 0;
    return { systemId: ENSEMBLE_ID, predicted: pts, confidence: 10, factors: { components: usable.length }, insufficient: 'insufficient_data' };
  }
  const w = usable.map((c) => Math.max(0.05, c.confidence / 100));
  const total = w.reduce((a, b) => a + b, 0);
  const predicted = usable.reduce((a, c, i) => a + c.points * w[i]!, 0) / total;
  const avgConf = usable.reduce((a, c, i) => a + c.confidence * w[i]!, 0) / total;
  const spread = stdev(usable.map((c) => c.points));
  const agreement = Math.max(0, 1 - spread / Math.max(2, 0.1 * predicted));
  let confidence = avgConf * (0.75 + 0.25 * agreement);
  let agreeing: number | null = null;
  if (line !== null) {
    const side = Math.sign(predicted - line);
    agreeing = usable.filter((c) => Math.sign(c.points - line) === side && side !== 0).length;
    confidence += agreeing === usable.length ? 5 : -5;
  }
  const detail: Record<string, FactorValue> = {};
  for (const c of usable) detail[c.systemId] = { points: c.points, confidence: c.confidence };
  return {
    systemId: ENSEMBLE_ID,
    predicted,
    confidence: clamp(confidence, 5, 95),
    factors: { components: detail, agreement: round(agreement, 3), points_spread: round(spread, 2), systems_agreeing: agreeing, systems_used: usable.length },
  };
}
