// infra/monitoring/: SQL over the execution log (stuck partitions, per-phase breakdown, recent
// failures, table freshness, failure rate) and a Grafana dashboard on a BigQuery datasource whose
// panels run exactly those queries. Phases, processors and freshness limits come from the plan.
// Alert policies and log-based metrics are Terraform resources (codegen/terraform/monitoring.ts).
import { EXECUTION_LOG, logColumn } from '../engine/infra/bigquery-schema.js';
import type { LogEntry } from '../engine/ports.js';
import type { Plan } from '../engine/spec/plan.js';
import { ident, sqlString } from './bigquery.js';
import { jsonFile, sqlFile } from './formats.js';

export const MONITORING_DIR = 'infra/monitoring';
/** A partition is stuck when its last phase has not completed this long after its first phase did. */
export const STUCK_AFTER_HOURS = 12;
export const LOOKBACK_DAYS = 7;
export const FAILED_EVENTS = ['run:failed', 'run:failed-terminal'] as const;
/** Events shown as failures: failed attempts, refused completions, stale inputs, rejected messages, failed checks. */
export const PROBLEM_EVENTS = [...FAILED_EVENTS, 'run:fenced', 'fail:stale', 'message:rejected', 'check:failed'] as const;

const LOG = ident(`${EXECUTION_LOG.dataset}.${EXECUTION_LOG.table}`);
/** A log column, quoted (`partition` is a reserved word). */
const c = (field: keyof LogEntry, alias = '') => `${alias ? `${alias}.` : ''}${ident(logColumn(field))}`;
const since = (field: string, interval: string) => `${field} >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${interval})`;
const inList = (values: readonly string[]) => `(${values.map(sqlString).join(', ')})`;
const hours = (ms: number | undefined) => (ms === undefined ? 'CAST(NULL AS FLOAT64)' : `CAST(${ms / 3_600_000} AS FLOAT64)`);

function structs(rows: Record<string, string>[]): string {
  return `UNNEST([\n${rows.map((r) => `    STRUCT(${Object.entries(r).map(([k, v]) => `${v} AS ${k}`).join(', ')})`).join(',\n')}\n  ])`;
}

function phasesCte(plan: Plan): string {
  const count = (phase: string) => [...plan.processors.values()].filter((p) => p.phase === phase).length;
  return `phases AS (\n  SELECT * FROM ${structs(plan.phases.map((p) => ({ phase: sqlString(p.name), phase_number: String(p.number), processors: String(count(p.name)) })))}\n)`;
}

export interface MonitoringQuery {
  name: string;
  title: string;
  description: string;
  panel: 'table' | 'timeseries';
  sql: string;
}

function stuckPartitions(plan: Plan): MonitoringQuery {
  const first = plan.phases[0]!;
  const last = plan.phases[plan.phases.length - 1]!;
  const sql = `WITH ${phasesCte(plan)},
succeeded AS (
  SELECT ${c('partition', 'l')} AS part, ${c('phase', 'l')} AS phase, MIN(${c('ts', 'l')}) AS first_at, MAX(${c('ts', 'l')}) AS last_at
  FROM ${LOG} AS l
  WHERE ${since(c('ts', 'l'), `${LOOKBACK_DAYS + 1} DAY`)}
    AND ${c('event', 'l')} = 'run:succeeded'
    AND NOT COALESCE(${c('backfill', 'l')}, FALSE)
  GROUP BY part, phase
),
progress AS (
  SELECT s.part,
    MIN(IF(s.phase = ${sqlString(first.name)}, s.first_at, NULL)) AS started_at,
    MAX(IF(s.phase = ${sqlString(last.name)}, s.last_at, NULL)) AS finished_at,
    MAX(p.phase_number) AS furthest_phase_number
  FROM succeeded AS s
  JOIN phases AS p ON p.phase = s.phase
  GROUP BY s.part
)
SELECT
  g.part AS \`partition\`,
  g.started_at,
  f.phase AS furthest_phase,
  g.furthest_phase_number,
  ROUND(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), g.started_at, MINUTE) / 60, 1) AS hours_since_start
FROM progress AS g
LEFT JOIN phases AS f ON f.phase_number = g.furthest_phase_number
WHERE g.started_at IS NOT NULL
  AND g.finished_at IS NULL
  AND g.started_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${STUCK_AFTER_HOURS} HOUR)
  AND ${since('g.started_at', `${LOOKBACK_DAYS} DAY`)}
ORDER BY g.started_at`;
  return {
    name: 'stuck_partitions', title: 'Stuck partitions', panel: 'table', sql,
    description: `Partitions whose phase ${first.number} (${first.name}) completed but whose last phase (${last.name}) has not, ${STUCK_AFTER_HOURS} hours later (backfills left out), over the last ${LOOKBACK_DAYS} days.`,
  };
}

function phaseBreakdown(plan: Plan): MonitoringQuery {
  const sql = `WITH ${phasesCte(plan)}
SELECT
  ${c('partition', 'l')} AS \`partition\`,
  p.phase_number,
  p.phase,
  p.processors AS processors_in_phase,
  COUNT(DISTINCT IF(${c('event', 'l')} = 'run:succeeded', ${c('processor', 'l')}, NULL)) AS processors_succeeded,
  COUNTIF(${c('event', 'l')} = 'run:started') AS runs_started,
  COUNTIF(${c('event', 'l')} = 'run:succeeded') AS runs_succeeded,
  COUNTIF(${c('event', 'l')} IN ${inList(FAILED_EVENTS)}) AS runs_failed,
  COUNTIF(STARTS_WITH(${c('event', 'l')}, 'skip:')) AS skips,
  MAX(IF(${c('event', 'l')} = 'run:succeeded', ${c('ts', 'l')}, NULL)) AS last_success_at
FROM ${LOG} AS l
JOIN phases AS p ON p.phase = ${c('phase', 'l')}
WHERE ${since(c('ts', 'l'), `${LOOKBACK_DAYS} DAY`)}
  AND ${c('partition', 'l')} IS NOT NULL
GROUP BY 1, 2, 3, 4
ORDER BY 1 DESC, 2`;
  return { name: 'phase_breakdown', title: 'Runs per partition and phase', panel: 'table', sql, description: `Per partition and phase over the last ${LOOKBACK_DAYS} days: processors that succeeded out of those in the phase, runs, failures and skips.` };
}

function recentFailures(): MonitoringQuery {
  const cols = (['ts', 'event', 'phase', 'processor', 'partition', 'executionId', 'attempt', 'errorType', 'errorMessage'] as const).map((f) => c(f));
  const sql = `SELECT
  ${cols.join(',\n  ')},
  ARRAY_TO_STRING(JSON_VALUE_ARRAY(${c('reasons')}), '; ') AS reasons
FROM ${LOG}
WHERE ${since(c('ts'), '2 DAY')}
  AND ${c('event')} IN ${inList(PROBLEM_EVENTS)}
ORDER BY ${c('ts')} DESC
LIMIT 200`;
  return { name: 'recent_failures', title: 'Recent failures', panel: 'table', sql, description: 'Failed attempts, fenced completions, stale inputs, rejected messages and failed checks of the last 2 days, newest first.' };
}

function tableFreshness(plan: Plan): MonitoringQuery {
  const rows = [...plan.writerOf]
    .filter(([asset]) => plan.assets.get(asset)?.kind === 'table')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([asset, writer]) => {
      const checks = (plan.checksOf.get(asset) ?? []).map((n) => plan.checks.get(n)!).filter((k) => k.kind === 'freshness');
      const warn = checks.map((k) => k.warnAfterMs).filter((x): x is number => x !== undefined);
      const fail = checks.map((k) => k.failAfterMs).filter((x): x is number => x !== undefined);
      const p = plan.processors.get(writer)!;
      return {
        table_ref: sqlString(asset), processor: sqlString(writer), phase_number: String(p.phaseNumber),
        warn_after_hours: hours(warn.length ? Math.min(...warn) : undefined), fail_after_hours: hours(fail.length ? Math.min(...fail) : undefined),
      };
    });
  const sql = `WITH tables AS (
  SELECT * FROM ${structs(rows)}
),
latest AS (
  SELECT ${c('processor')} AS processor, MAX(${c('ts')}) AS last_success_at, MAX(${c('partition')}) AS latest_partition
  FROM ${LOG}
  WHERE ${since(c('ts'), '30 DAY')}
    AND ${c('event')} = 'run:succeeded'
  GROUP BY processor
),
aged AS (
  SELECT t.*, l.latest_partition, l.last_success_at,
    ROUND(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), l.last_success_at, MINUTE) / 60, 1) AS hours_since_update
  FROM tables AS t
  LEFT JOIN latest AS l ON l.processor = t.processor
)
SELECT
  table_ref, processor, latest_partition, last_success_at, hours_since_update, warn_after_hours, fail_after_hours,
  CASE
    WHEN last_success_at IS NULL THEN 'no update in 30 days'
    WHEN hours_since_update > fail_after_hours THEN 'fail'
    WHEN hours_since_update > warn_after_hours THEN 'warn'
    ELSE 'ok'
  END AS status
FROM aged
ORDER BY phase_number, table_ref`;
  return { name: 'table_freshness', title: 'Table freshness', panel: 'table', sql, description: 'Per table: the latest partition written, hours since its writer last succeeded, and the freshness checks\' limits.' };
}

function failureRate(): MonitoringQuery {
  const sql = `SELECT
  TIMESTAMP_TRUNC(${c('ts')}, HOUR) AS time,
  SAFE_DIVIDE(COUNTIF(${c('event')} IN ${inList(FAILED_EVENTS)}), COUNTIF(${c('event')} IN ${inList(['run:succeeded', ...FAILED_EVENTS])})) AS failure_rate
FROM ${LOG}
WHERE ${since(c('ts'), `${LOOKBACK_DAYS} DAY`)}
GROUP BY time
ORDER BY time`;
  return { name: 'failure_rate', title: 'Run failure rate per hour', panel: 'timeseries', sql, description: 'Failed runs over finished runs, per hour (the alert fires above 5 % over 15 minutes).' };
}

export function monitoringQueries(plan: Plan): MonitoringQuery[] {
  return [stuckPartitions(plan), phaseBreakdown(plan), recentFailures(), tableFreshness(plan), failureRate()];
}

const DATASOURCE = { type: 'grafana-bigquery-datasource', uid: '${DS_BIGQUERY}' };

export function dashboard(plan: Plan): Record<string, unknown> {
  let y = 0;
  const panels = monitoringQueries(plan).map((q, i) => {
    const h = q.panel === 'timeseries' ? 8 : 10;
    const panel = {
      id: i + 1, type: q.panel, title: q.title, description: q.description, datasource: DATASOURCE,
      gridPos: { h, w: 24, x: 0, y },
      targets: [{ refId: 'A', datasource: DATASOURCE, editorMode: 'code', rawQuery: true, format: q.panel === 'timeseries' ? 0 : 1, rawSql: q.sql }],
      ...(q.panel === 'timeseries' ? { fieldConfig: { defaults: { unit: 'percentunit', min: 0 }, overrides: [] } } : {}),
    };
    y += h;
    return panel;
  });
  return {
    __inputs: [{ name: 'DS_BIGQUERY', label: 'BigQuery', description: 'BigQuery datasource of the project holding _pipeline.execution_log', type: 'datasource', pluginId: 'grafana-bigquery-datasource', pluginName: 'Google BigQuery' }],
    __requires: [{ type: 'datasource', id: 'grafana-bigquery-datasource', name: 'Google BigQuery', version: '1.0.0' }],
    uid: `pipeline-${plan.name}`.slice(0, 40),
    title: `Pipeline ${plan.name}`,
    description: plan.description ?? `Pipeline ${plan.name}`,
    tags: ['pipeline', plan.name],
    timezone: 'utc',
    editable: true,
    refresh: '5m',
    schemaVersion: 39,
    version: 1,
    time: { from: `now-${LOOKBACK_DAYS}d`, to: 'now' },
    panels,
  };
}

export function monitoringFiles(plan: Plan): Record<string, string> {
  const files: Record<string, string> = {};
  for (const q of monitoringQueries(plan)) {
    files[`${MONITORING_DIR}/${q.name}.sql`] = sqlFile(`-- ${q.title}: ${q.description}\n${q.sql};`);
  }
  files[`${MONITORING_DIR}/dashboard.json`] = jsonFile(dashboard(plan));
  return files;
}
