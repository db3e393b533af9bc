// Injury status per player from the injury report table, which keeps every snapshot of the day: the
// latest report a player appears in wins. Players not listed are 'Available'.
import { timeKey } from '../shared/dates.js';
import type { InjuryReportRow } from './raw-tables.js';

export const AVAILABLE = 'Available';
const KNOWN = ['Out', 'Doubtful', 'Questionable', 'Probable', 'Available'];

/** 'OUT', 'out ' → 'Out'; unknown text is kept as printed. */
export function normalizeStatus(s: string | null): string {
  if (!s) return AVAILABLE;
  const t = s.trim();
  return KNOWN.find((k) => k.toLowerCase() === t.toLowerCase()) ?? t;
}

/** The latest injury report row per player. */
export function latestInjuries(rows: readonly InjuryReportRow[]): Map<string, InjuryReportRow & { status: string }> {
  const out = new Map<string, InjuryReportRow & { status: string }>();
  const keyOf = new Map<string, number>();
  for (const r of rows) {
    const k = timeKey(r.report_time);
    const prev = keyOf.get(r.player_lookup);
    if (prev !== undefined && prev > k) continue;
    keyOf.set(r.player_lookup, k);
    out.set(r.player_lookup, { ...r, status: normalizeStatus(r.status) });
  }
  return out;
}
