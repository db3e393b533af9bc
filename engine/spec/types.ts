// The raw spec: what `pipeline.yaml` holds once parsed and schema-checked, before any reference is
// resolved. Only `engine/spec` reads these types; everything downstream reads the resolved `Plan`.
// Field documentation lives in the JSON Schema (schema.ts), which editors show on hover.

export type DurationText = string; // "30s", "10m", "12h", "7d"

export interface RawSpec {
  version: 1;
  name: string;
  description?: string;
  partition: RawPartition;
  project?: RawProject;
  defaults?: RawDefaults;
  entities?: Record<string, RawEntity>;
  buckets?: Record<string, RawBucket>;
  datasets: Record<string, RawDataset>;
  objects?: Record<string, RawObjectCollection>;
  documents?: Record<string, RawDocumentCollection>;
  phases: Record<string, RawPhase>;
  processors: Record<string, RawProcessor>;
  gates?: Record<string, RawGate>;
  stages?: Record<string, RawStage>;
  schedules?: Record<string, RawSchedule>;
  checks?: Record<string, RawCheck>;
  alerts?: Record<string, RawAlertSink>;
  local?: RawLocal;
}

export interface RawLocal {
  services?: Record<string, RawLocalService>;
}

export interface RawLocalService {
  module: string;
  env: string;
  description?: string;
}

export interface RawPartition {
  key: string;
  type?: 'date';
  timezone?: string;
}

export interface RawProject {
  id?: string;
  region?: string;
  service?: string;
  topic_prefix?: string;
}

export interface RawDefaults {
  timeout?: DurationText;
  retry?: RawRetry;
}

export interface RawEntity {
  description?: string;
}

export interface RawBucket {
  name: string;
  description?: string;
}

export interface RawDataset {
  description?: string;
  tables: Record<string, RawTable>;
}

export type ColumnType =
  | 'string'
  | 'int64'
  | 'float64'
  | 'numeric'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'json';

export interface RawColumn {
  type: ColumnType;
  nullable?: boolean;
  description?: string;
}

export interface RawTable {
  description?: string;
  columns: Record<string, RawColumn>;
  key: string[];
  entities?: Record<string, string>;
  external?: boolean;
  mode?: 'replace' | 'upsert';
}

export interface RawObjectCollection {
  bucket: string;
  path: string;
  description?: string;
}

export interface RawDocumentCollection {
  path: string;
  description?: string;
}

export interface RawPhase {
  number: number;
  topic: string;
  description?: string;
  accepts?: Array<'unified' | 'legacy' | 'gcs'>;
}

export interface RawRetry {
  max_attempts?: number;
  initial_backoff?: DurationText;
  max_backoff?: DurationText;
  multiplier?: number;
  non_retryable?: string[];
}

export interface RawWindow {
  days: number;
  include_current?: boolean;
  min_partitions?: number;
}

export interface RawRead {
  critical?: boolean;
  min_rows?: number;
  warn_after?: DurationText;
  fail_after?: DurationText;
  window?: DurationText | RawWindow;
  description?: string;
}

export interface RawFanOut {
  entity: string;
  from: string;
  coverage?: number;
  wait?: DurationText;
  task_timeout?: DurationText;
  batch?: number;
}

export interface RawProcessor {
  phase: string;
  module: string;
  description?: string;
  writes: string | string[];
  reads?: Record<string, RawRead | null>;
  triggers?: string[];
  scopes?: string[];
  timeout?: DurationText;
  retry?: RawRetry;
  code_version?: string;
  legacy_names?: string[];
  fan_out?: RawFanOut;
}

export interface RawGateDeadline {
  after: DurationText;
  min_fraction?: number;
}

export interface RawGate {
  description?: string;
  wait_for: string[];
  critical?: string[];
  deadline?: RawGateDeadline;
  fires: string[];
}

export interface RawStage {
  description?: string;
  levels: string[][];
}

export interface RawStragglers {
  entity: string;
  expected: string;
}

export interface RawSchedule {
  description?: string;
  cron: string;
  timezone?: string;
  target: string;
  partition?: 'today' | 'yesterday' | 'tomorrow';
  only_if_not_done?: boolean;
  wait_for?: DurationText;
  stragglers?: RawStragglers;
}

export type CheckKind = 'row_count' | 'coverage' | 'freshness';

export interface RawCheckDeadline {
  at: string;
  timezone?: string;
  day_offset?: number;
}

export interface RawCheck {
  description?: string;
  table: string;
  kind: CheckKind;
  warn_below?: number;
  fail_below?: number;
  warn_after?: DurationText;
  fail_after?: DurationText;
  of?: string;
  entity?: string;
  deadline?: RawCheckDeadline;
  sinks?: string[];
}

export interface RawAlertSink {
  type: 'log' | 'webhook';
  url?: string;
  url_env?: string;
  min_severity?: 'info' | 'warn' | 'error';
  description?: string;
}
