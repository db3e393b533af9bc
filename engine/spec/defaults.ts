// Every default of the spec language, in one place. The JSON Schema quotes these values in its
// `default` annotations (schema.ts), and plan.ts applies them; nothing else hard-codes a default.

export const DEFAULTS = {
  partition: { type: 'date' as const, timezone: 'UTC' },
  project: { region: 'us-central1', service: 'pipeline', topic_prefix: '' },
  processor: {
    timeout: '10m',
    code_version: '1',
    /** Extra lease time on top of the timeout before another runner may take the run over. */
    lease_margin: '30s',
  },
  retry: {
    max_attempts: 5,
    initial_backoff: '10s',
    max_backoff: '10m',
    multiplier: 2,
    non_retryable: [] as string[],
  },
  read: {
    critical: true,
    /** Critical reads need at least one row unless they say otherwise; optional reads need none. */
    min_rows_critical: 1,
    min_rows_optional: 0,
  },
  window: { include_current: false, min_partitions: 1 },
  table: { mode: 'replace' as const, external: false, nullable: true },
  phase: { accepts: ['unified'] as Array<'unified' | 'legacy' | 'gcs'> },
  gate: { min_fraction: 0 },
  schedule: { timezone: 'UTC', partition: 'today' as const, only_if_not_done: true },
  check: { day_offset: 0 },
  fan_out: { coverage: 1, wait: '30m', task_timeout: '2m', batch: 1 },
  alert: { min_severity: 'warn' as const },
} as const;
