// Variants of the tiny pipeline (builders.ts) for the wave stories, each adding the one shape a rule
// needs that the tiny pipeline lacks: a window that includes the run's own day, a third stage level
// that reads nothing of the level before it, and a second gate that fires a processor directly.
import type { Plan } from '../../engine/spec/plan.js';
import { tinyPlan } from './builders.js';

type Loose = { datasets: Record<string, { tables: Record<string, unknown> }>; processors: Record<string, Record<string, unknown>>; gates: Record<string, unknown>; stages: Record<string, { levels: string[][] }> };
const table = { columns: { game_date: { type: 'date' }, team_id: { type: 'string' } }, key: ['team_id'], entities: { team: 'team_id' } };

/** team_totals reads raw.lines over a 3-day window that includes the run's own day. */
export const currentDayWindow = (): Plan =>
  tinyPlan((s) => {
    (s as unknown as Loose).processors.team_totals!.reads = { 'raw.box': null, 'raw.lines': { critical: false, window: { days: 3, include_current: true } } };
  });

/** Stage features gets a level 3: team_report, which reads analytics.teams only (not level 2's output). */
export const thirdLevel = (): Plan =>
  tinyPlan((s) => {
    const raw = s as unknown as Loose;
    raw.datasets.features!.tables.report = table;
    raw.processors.team_report = { phase: 'features', module: 'p/team_report.ts', writes: 'features.report', reads: { 'analytics.teams': null } };
    raw.stages.features!.levels.push(['team_report']);
  });

/** A second gate, teams_done: waits for team_totals alone and fires team_report (no reads) directly. */
export const teamsGate = (): Plan =>
  tinyPlan((s) => {
    const raw = s as unknown as Loose;
    raw.datasets.features!.tables.report = table;
    raw.processors.team_report = { phase: 'features', module: 'p/team_report.ts', writes: 'features.report' };
    raw.gates.teams_done = { wait_for: ['team_totals'], fires: ['team_report'] };
  });
