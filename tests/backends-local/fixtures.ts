// Builders shared by the local-backend tests: a minimal hand-built Plan with a couple of tables, and
// a temp folder per test that is removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnPlan, Plan, TablePlan } from '../../engine/spec/plan.js';

const pos = { file: 'test.yaml', line: 1, col: 1 };

export function col(name: string, type: ColumnPlan['type'], nullable = true): ColumnPlan {
  return { name, type, nullable };
}

export function table(ref: string, columns: ColumnPlan[], key: string[], extra: Partial<TablePlan> = {}): TablePlan {
  const [dataset, name] = ref.split('.') as [string, string];
  return {
    kind: 'table',
    ref,
    name,
    dataset,
    source: pos,
    columns,
    key,
    entities: {},
    external: false,
    mode: 'replace',
    ...extra,
  };
}

/** player_stats declares the partition column; team_stats does not (the warehouse adds it). */
export const playerStats = table(
  'analytics.player_stats',
  [
    col('game_date', 'date', false),
    col('player', 'string', false),
    col('team', 'string'),
    col('points', 'int64'),
    col('rating', 'float64'),
    col('salary', 'numeric'),
    col('starter', 'bool'),
    col('updated_at', 'timestamp'),
    col('extra', 'json'),
  ],
  ['player'],
  { entities: { player: 'player', team: 'team' } },
);

export const teamStats = table('analytics.team_stats', [col('team', 'string', false), col('wins', 'int64')], ['team']);

export function tinyPlan(tables: TablePlan[] = [playerStats, teamStats]): Plan {
  return {
    name: 'tiny',
    specHash: 'test',
    file: 'test.yaml',
    dir: '/tmp',
    partition: { key: 'game_date', timezone: 'UTC' },
    project: { region: 'us-central1', service: 'pipeline', topicPrefix: '' },
    entities: ['player', 'team'],
    buckets: new Map(),
    assets: new Map(tables.map((t) => [t.ref, t])),
    phases: [],
    processors: new Map(),
    gates: new Map(),
    stages: new Map(),
    schedules: new Map(),
    checks: new Map(),
    alerts: new Map(),
    localServices: new Map(),
    writerOf: new Map(),
    triggeredBy: new Map(),
    gatesOf: new Map(),
    checksOf: new Map(),
    order: [],
    phaseByName: new Map(),
    phaseByTopic: new Map(),
    byLegacyName: new Map(),
  };
}

/** A fresh temp folder; call the returned cleanup in `after`/`finally`. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pipeline-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
