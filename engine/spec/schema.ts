// The JSON Schema (draft 2020-12) of `pipeline.yaml`: the one definition of the language. Editors use it
// for completion and hover (every field has a description), the loader validates with it, and codegen
// writes it to `schema/pipeline.schema.json`. Defaults are quoted from defaults.ts, never retyped.
import { DEFAULTS } from './defaults.js';
import { DURATION_PATTERN } from './duration.js';

type Json = Record<string, unknown>;

const NAME = '^[a-z][a-z0-9_]*$';
const TABLE_REF = '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$';
const ASSET_REF = '^([a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*|(objects|documents)/[a-z][a-z0-9_]*)$';

const str = (description: string, extra: Json = {}): Json => ({ type: 'string', description, ...extra });
const int = (description: string, extra: Json = {}): Json => ({ type: 'integer', description, ...extra });
const num = (description: string, extra: Json = {}): Json => ({ type: 'number', description, ...extra });
const bool = (description: string, dflt?: boolean): Json =>
  dflt === undefined ? { type: 'boolean', description } : { type: 'boolean', description, default: dflt };
const duration = (description: string, dflt?: string): Json => ({
  type: 'string',
  pattern: DURATION_PATTERN,
  description: `${description} A duration: a number and a unit (ms, s, m, h, d), e.g. "30s", "10m", "12h".`,
  ...(dflt ? { default: dflt } : {}),
});
const obj = (description: string, properties: Json, required: string[] = [], extra: Json = {}): Json => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});
const mapOf = (description: string, value: Json, keyPattern = NAME): Json => ({
  type: 'object',
  description,
  propertyNames: { pattern: keyPattern },
  additionalProperties: value,
});
const list = (description: string, items: Json, extra: Json = {}): Json => ({ type: 'array', description, items, ...extra });

const retry = obj(
  'Retry policy for failed attempts: exponential backoff, bounded attempts; after the last attempt the run fails for good, an alert is raised and the message goes to the dead-letter queue.',
  {
    max_attempts: int('Attempts in all, the first included.', { minimum: 1, maximum: 100, default: DEFAULTS.retry.max_attempts }),
    initial_backoff: duration('Wait before the second attempt.', DEFAULTS.retry.initial_backoff),
    max_backoff: duration('Upper bound on the wait between attempts.', DEFAULTS.retry.max_backoff),
    multiplier: num('Factor applied to the wait after each attempt.', { minimum: 1, default: DEFAULTS.retry.multiplier }),
    non_retryable: list('Error names (the `name` of the thrown error) that fail the run at once, without retrying.', { type: 'string' }, { default: [] }),
  },
);

const windowObj = obj(
  'Lookback window: the partitions before the run\'s partition that the read covers.',
  {
    days: int('Number of partitions (days) in the window.', { minimum: 1, maximum: 3660 }),
    include_current: bool('Include the run\'s own partition in the window.', DEFAULTS.window.include_current),
    min_partitions: int('For a critical read: partitions of the window that must have data.', { minimum: 0, default: DEFAULTS.window.min_partitions }),
  },
  ['days'],
);

const read = {
  oneOf: [
    { type: 'null', description: 'A critical same-partition read with default limits.' },
    obj(
      'How a processor reads one table or collection, and when that input is ready.',
      {
        critical: bool('Critical inputs must be ready (present, at least `min_rows`, fresher than `fail_after`) or the run is skipped; optional inputs only add warnings.', DEFAULTS.read.critical),
        min_rows: int('Rows the input partition (or window) must hold to count as ready. Default 1 for critical reads, 0 for optional ones.', { minimum: 0 }),
        warn_after: duration('Record a warning when the input was last updated longer ago than this.'),
        fail_after: duration('A critical input last updated longer ago than this is stale: the run fails with `fail:stale`. Ignored in backfills.'),
        window: {
          description: 'Lookback: read this many partitions before the run\'s partition instead of the same partition. "30d" or an object. Window reads do not trigger by default.',
          oneOf: [{ type: 'string', pattern: '^[0-9]+d$' }, windowObj],
        },
        description: str('What this input is used for.'),
      },
    ),
  ],
};

const column = obj(
  'A column of a table.',
  {
    type: { enum: ['string', 'int64', 'float64', 'numeric', 'bool', 'date', 'timestamp', 'json'], description: 'Column type (BigQuery types: STRING, INT64, FLOAT64, NUMERIC, BOOL, DATE, TIMESTAMP, JSON).' },
    nullable: bool('Whether the column may be null. Key columns are never null.', DEFAULTS.table.nullable),
    description: str('What the column holds.'),
  },
  ['type'],
);

const table = obj(
  'A table of the warehouse, partitioned by the partition key.',
  {
    description: str('What the table holds.'),
    columns: mapOf('Columns by name. Must include the partition key column.', column),
    key: list('The natural key: writes upsert by it. Must name declared columns.', { type: 'string' }, { minItems: 1, uniqueItems: true }),
    entities: mapOf('Entity columns: entity kind (see `entities`) → column. Used for changed-entity tracking and scoped runs.', { type: 'string' }),
    external: bool('Written outside the pipeline (no processor writes it); updates arrive as messages.', DEFAULTS.table.external),
    mode: {
      enum: ['replace', 'upsert'],
      default: DEFAULTS.table.mode,
      description: '`replace`: a run\'s rows are the partition\'s (or its scope\'s) whole content, keys it did not write are deleted. `upsert`: merge by key and never delete (history, snapshots).',
    },
  },
  ['columns', 'key'],
);

const processor = obj(
  'A data job: reads declared inputs for a partition and writes its one output.',
  {
    phase: str('The phase it belongs to (a key of `phases`).'),
    module: str('Path of the processor module from the spec\'s folder; it default-exports `defineProcessor(...)`.'),
    description: str('What the processor computes.'),
    writes: {
      description: 'Its output: one table (`dataset.table`), or for scrapers and publishers the object (`objects/NAME`) and document (`documents/NAME`) collections it writes.',
      oneOf: [{ type: 'string', pattern: ASSET_REF }, { type: 'array', items: { type: 'string', pattern: ASSET_REF }, minItems: 1, uniqueItems: true }],
    },
    reads: mapOf('Inputs: table or collection → how it is read. Only declared inputs may be read.', read, ASSET_REF),
    triggers: list('Inputs whose update makes the engine consider this processor. Default: its same-partition reads; none for a processor a stage level or a gate fires.', { type: 'string', pattern: ASSET_REF }, { uniqueItems: true }),
    scopes: list('Entity kinds it can run for a subset of (changed entities only). Otherwise it always runs for the whole partition. A collection writer (publisher) decides which of its files a scope covers; collections are never pruned by a scoped run.', { type: 'string' }, { uniqueItems: true }),
    timeout: duration('Longest a run may take; the lease expires after it (plus a margin) and another runner may take over.', DEFAULTS.processor.timeout),
    retry,
    code_version: str('Bump when the code changes in a way that should recompute outputs: it is part of the input fingerprint.', { default: DEFAULTS.processor.code_version }),
    legacy_names: list('Other names this processor publishes under in legacy scraper messages (`name` / `scraper_name`).', { type: 'string' }),
    fan_out: obj(
      'Split each run into one task per entity on a worker topic; the run completes at full coverage, or at `coverage` after `wait`.',
      {
        entity: str('Entity kind of the tasks.'),
        from: str('Table listing the expected entities for the partition.', { pattern: TABLE_REF }),
        coverage: num('Share of tasks that must finish for the run to complete after `wait`.', { minimum: 0, maximum: 1, default: DEFAULTS.fan_out.coverage }),
        wait: duration('How long to wait for full coverage before settling for `coverage`.', DEFAULTS.fan_out.wait),
        task_timeout: duration('Longest one task may take.', DEFAULTS.fan_out.task_timeout),
        batch: int('Entities per task.', { minimum: 1, maximum: 1000, default: DEFAULTS.fan_out.batch }),
      },
      ['entity', 'from'],
    ),
  },
  ['phase', 'module', 'writes'],
);

const gate = obj(
  'Waits for several processors to complete a partition, then fires its targets once per set of their output versions (and again when one changes).',
  {
    description: str('What the gate guards.'),
    wait_for: list('Member processors.', { type: 'string' }, { minItems: 1, uniqueItems: true }),
    critical: list('Members without which the gate never fires, even past its deadline.', { type: 'string' }, { uniqueItems: true }),
    deadline: obj(
      'Degraded mode: past this time since the first member completed, fire when the critical members (and `min_fraction` of the others) are done.',
      {
        after: duration('Time after the first member completion.'),
        min_fraction: num('Share of the non-critical members also required past the deadline.', { minimum: 0, maximum: 1, default: DEFAULTS.gate.min_fraction }),
      },
      ['after'],
    ),
    fires: list('What it fires: processors or stages.', { type: 'string' }, { minItems: 1, uniqueItems: true }),
  },
  ['wait_for', 'fires'],
);

const schedule = obj(
  'A cron schedule firing a processor, gate or stage for one partition (backups, retries, deadlines).',
  {
    description: str('Why this schedule exists.'),
    cron: str('Five-field cron expression.'),
    timezone: str('IANA time zone of the cron expression.', { default: DEFAULTS.schedule.timezone }),
    target: str('The processor, gate or stage to fire.'),
    partition: { enum: ['today', 'yesterday', 'tomorrow'], default: DEFAULTS.schedule.partition, description: 'Which partition, relative to the tick in the partition\'s time zone.' },
    only_if_not_done: bool('Skip when the target already ran for its current inputs.', DEFAULTS.schedule.only_if_not_done),
    wait_for: duration('Wait up to this long for the target\'s critical inputs; then run if they are ready, alert if not.'),
    stragglers: obj(
      'A straggler retry: rerun only the entities missing from the target\'s output.',
      {
        entity: str('Entity kind to compare.'),
        expected: str('Table listing the entities that should be present.', { pattern: TABLE_REF }),
      },
      ['entity', 'expected'],
    ),
  },
  ['cron', 'target'],
);

const check = obj(
  'A data check evaluated after its table\'s writer runs and at its deadline; warn/fail results go to the alert sinks.',
  {
    description: str('What the check protects.'),
    table: str('The table checked.', { pattern: TABLE_REF }),
    kind: { enum: ['row_count', 'coverage', 'freshness'], description: '`row_count`: rows in the partition; `coverage`: share of the entities of `of` present in `table`; `freshness`: age of the last update.' },
    warn_below: num('row_count / coverage: warn below this value (rows, or a share 0..1).', { minimum: 0 }),
    fail_below: num('row_count / coverage: fail below this value.', { minimum: 0 }),
    warn_after: duration('freshness: warn when older than this.'),
    fail_after: duration('freshness: fail when older than this.'),
    of: str('coverage: the table listing the expected entities.', { pattern: TABLE_REF }),
    entity: str('coverage: the entity kind compared.'),
    deadline: obj(
      'Evaluate (again) at this local time of the partition\'s day; a check still failing then is final.',
      {
        at: str('Local time HH:MM.', { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
        timezone: str('IANA time zone; default the partition\'s.'),
        day_offset: int('Days after the partition date.', { minimum: 0, maximum: 7, default: DEFAULTS.check.day_offset }),
      },
      ['at'],
    ),
    sinks: list('Alert sinks to notify (keys of `alerts`); default all.', { type: 'string' }),
  },
  ['table', 'kind'],
);

const alertSink = obj(
  'Where alerts go. The execution log always receives them.',
  {
    type: { enum: ['log', 'webhook'], description: '`log`: the execution log and stderr; `webhook`: a JSON POST, retried, never blocking a run.' },
    url: str('webhook: the URL.'),
    url_env: str('webhook: an environment variable holding the URL (preferred over `url` for secrets).'),
    min_severity: { enum: ['info', 'warn', 'error'], default: DEFAULTS.alert.min_severity, description: 'Lowest severity sent.' },
    description: str('Who reads this sink.'),
  },
  ['type'],
);

export const PIPELINE_SCHEMA: Json = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://pipeline.dev/schema/pipeline.schema.json',
  title: 'pipeline.yaml',
  description: 'A declarative, event-driven pipeline: tables, processors, triggers, gates, levels, schedules and checks.',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'partition', 'datasets', 'phases', 'processors'],
  properties: {
    version: { const: 1, description: 'Version of the spec language.' },
    name: str('Pipeline name; prefixes generated resource names.', { pattern: '^[a-z][a-z0-9-]*$' }),
    description: str('What the pipeline produces.'),
    partition: obj(
      'The unit of data and work.',
      {
        key: str('The partition column every table holds (e.g. `sale_date`).', { pattern: NAME }),
        type: { const: 'date', default: DEFAULTS.partition.type, description: 'Partition type: daily dates.' },
        timezone: str('IANA time zone in which "today" is computed for schedules and deadlines.', { default: DEFAULTS.partition.timezone }),
      },
      ['key'],
    ),
    project: obj('Google Cloud settings (overridable by environment at deploy time).', {
      id: str('Google Cloud project id (env PIPELINE_PROJECT overrides).'),
      region: str('Region for Cloud Run and Cloud Scheduler.', { default: DEFAULTS.project.region }),
      service: str('Name of the Cloud Run service.', { default: DEFAULTS.project.service }),
      topic_prefix: str('Prefix added to every topic name.', { default: DEFAULTS.project.topic_prefix }),
    }),
    defaults: obj('Defaults for every processor of this spec.', {
      timeout: duration('Default processor timeout.', DEFAULTS.processor.timeout),
      retry,
    }),
    entities: mapOf('Entity kinds (player, game, team…) that tables map to columns, for changed-entity tracking and scopes.', obj('An entity kind.', { description: str('What it identifies.') })),
    buckets: mapOf('Cloud Storage buckets by alias.', obj('A bucket.', { name: str('Bucket name (env PIPELINE_BUCKET_<ALIAS> overrides).'), description: str('What it holds.') }, ['name'])),
    datasets: mapOf('Datasets by name, each with its tables.', obj('A dataset.', { description: str('What it holds.'), tables: mapOf('Tables by name.', table) }, ['tables'])),
    objects: mapOf('Object collections (Cloud Storage) written by scrapers and publishers; referenced as `objects/NAME`.', obj('An object collection.', {
      bucket: str('Bucket alias (a key of `buckets`).'),
      path: str('Object path pattern with {date} (the partition) and other {placeholders}. Collections that processors read must contain {date}.'),
      description: str('What the objects hold.'),
    }, ['bucket', 'path'])),
    documents: mapOf('Document collections (Firestore) written by publishers; referenced as `documents/NAME`.', obj('A document collection.', {
      path: str('Document path pattern, e.g. predictions/daily/{date}.'),
      description: str('What the documents hold.'),
    }, ['path'])),
    phases: mapOf('Phases in order; each publishes its completions on its topic.', obj('A phase.', {
      number: int('Position in the pipeline (1 = first).', { minimum: 1, maximum: 99 }),
      topic: str('Pub/Sub topic for completions of this phase.', { pattern: '^[a-zA-Z][a-zA-Z0-9-_.]{2,254}$' }),
      description: str('What the phase does.'),
      accepts: list('Message formats accepted on this phase\'s topic besides the unified one: `legacy` scraper messages, `gcs` object-finalize notifications.', { enum: ['unified', 'legacy', 'gcs'] }, { default: DEFAULTS.phase.accepts }),
    }, ['number', 'topic'])),
    processors: mapOf('Processors by name.', processor),
    gates: mapOf('Gates by name.', gate),
    stages: mapOf('Stages: processors run in ordered levels; level k+1 starts when level k settled for the same fire.', obj('A stage.', {
      description: str('What the stage computes.'),
      levels: list('Levels in order, each a list of processors that run in parallel.', { type: 'array', items: { type: 'string' }, minItems: 1 }, { minItems: 1 }),
    }, ['levels'])),
    schedules: mapOf('Cron schedules by name.', schedule),
    checks: mapOf('Data checks by name.', check),
    alerts: mapOf('Alert sinks by name.', alertSink),
    local: obj('The embedded default only (local runs, the demo, tests); production ignores it.', {
      services: mapOf('Services local runs need, such as a sample data source. Commands that run processors reuse a running one (`pipeline source start`) or start it for the command, and hand its URL to processors through `env`.', obj('A local service.', {
        module: str('Module from the spec\'s folder that default-exports `defineLocalService({ start })` (from `pipeline/local-service`).'),
        env: str('Environment variable that receives the service\'s base URL (processors read it with `ctx.env`). When it is already set, the service is not started.', { pattern: '^[A-Z][A-Z0-9_]*$' }),
        description: str('What the service serves.'),
      }, ['module', 'env'])),
    }),
  },
};
