// The settings of `pipeline serve`, in one catalogue: each has a flag and an environment variable
// (Cloud Run configures a container by environment), a default, and the parser that reads it. The CLI
// registers its options from it, the README's table is rendered from it, and codegen names the
// variables the deployment manifests set from it — so a manifest cannot set a variable nothing reads.
// A flag wins over its variable; an empty variable counts as unset.
import type { Plan } from '../spec/plan.js';

/** Google's PEM certificates of its OIDC signing keys (what google-auth-library fetches by default). */
export const GOOGLE_OIDC_CERTS_URL = 'https://www.googleapis.com/oauth2/v1/certs';

/**
 * The shutdown budget, one setting for both the deployment and the drain: Cloud Run sends SIGTERM and
 * kills the container this long after (fixed at 10 s for services). The drain bound is the grace less
 * the reserve that interrupting the runs left (releasing their leases), flushing the execution log and
 * closing the clients need, so the process always exits by itself, with 0, before SIGKILL.
 */
export const SHUTDOWN = { graceSeconds: 10, reserveMs: 3_000 } as const;
export const DEFAULT_DRAIN_MS = SHUTDOWN.graceSeconds * 1000 - SHUTDOWN.reserveMs;

/** A setting given a bad value: the message names the flag or variable and the accepted form. */
export class SettingError extends Error {
  override name = 'SettingError';
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}

type Parse<T> = (value: string, source: string) => T;

interface SettingDef<T> {
  /** `--flag <value>`, or `--flag` for a switch. */
  readonly flag: string;
  readonly env: string;
  /** What the default is, as the README and --help say it. */
  readonly shown: string;
  readonly description: string;
  readonly parse: Parse<T>;
  /** The value when neither the flag nor the variable is set (undefined: unset). */
  readonly fallback?: T;
}

const text: Parse<string> = (v) => v;

function integer(min: number, max: number, usage: string): Parse<number> {
  return (v, source) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new SettingError(`${source} ${JSON.stringify(v)} is not a whole number between ${min} and ${max}`, `${source} ${usage}`);
    return n;
  };
}

const list: Parse<string[]> = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);

const boolean: Parse<boolean> = (v, source) => {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(s)) return true;
  if (['0', 'false', 'no'].includes(s)) return false;
  throw new SettingError(`${source} ${JSON.stringify(v)} is not a yes/no value`, `${source}=true|false`);
};

const backendChoice: Parse<'local' | 'gcp'> = (v, source) => {
  if (v === 'local' || v === 'gcp') return v;
  throw new SettingError(`${source} ${JSON.stringify(v)} is not allowed`, `${source} local|gcp`);
};

const url: Parse<string> = (v, source) => {
  try {
    new URL(v);
    return v;
  } catch {
    throw new SettingError(`${source} ${JSON.stringify(v)} is not a URL`, `${source} https://...`);
  }
};

/** A setting with a default value, and one that may stay unset. */
const withDefault = <T>(d: SettingDef<T> & { fallback: T }) => d;
const optional = <T>(d: SettingDef<T>) => d;

/** Every setting of `pipeline serve`, in the order --help and the README list them. */
export const SERVE_SETTINGS = {
  backend: withDefault({ flag: '--backend <backend>', env: 'PIPELINE_BACKEND', shown: 'local', fallback: 'local' as 'local' | 'gcp', parse: backendChoice,
    description: '`local` (DuckDB and files beside the spec, in-process cron and reconciler) or `gcp` (Pub/Sub, Firestore, BigQuery, Cloud Storage)' }),
  port: withDefault({ flag: '--port <port>', env: 'PORT', shown: '8080', fallback: 8080, parse: integer(0, 65535, 'N (0..65535; 0 = any free port)'),
    description: 'port to listen on (Cloud Run sets `PORT`)' }),
  host: withDefault({ flag: '--host <host>', env: 'PIPELINE_HOST', shown: '0.0.0.0', fallback: '0.0.0.0', parse: text, description: 'interface to listen on' }),
  drainMs: withDefault({ flag: '--drain-ms <ms>', env: 'PIPELINE_DRAIN_MS', shown: String(DEFAULT_DRAIN_MS), fallback: DEFAULT_DRAIN_MS, parse: integer(1, 3_600_000, 'MS (1..3600000)'),
    description: `on SIGTERM, how long in-flight runs may take to finish (pushes get 503 meanwhile); runs still going then are interrupted: their leases released and the runs requested again. Keep it ${SHUTDOWN.reserveMs / 1000} s under the platform's grace (Cloud Run: ${SHUTDOWN.graceSeconds} s)` }),
  project: optional({ flag: '--project <id>', env: 'PIPELINE_PROJECT', shown: "the spec's `project.id`", parse: text,
    description: 'Google Cloud project of every gcp backend' }),
  region: optional({ flag: '--region <region>', env: 'PIPELINE_REGION', shown: "the spec's `project.region`", parse: text,
    description: 'region of the deployment; the BigQuery location of datasets and jobs unless `PIPELINE_BQ_LOCATION` says otherwise' }),
  bigqueryLocation: optional({ flag: '--bigquery-location <location>', env: 'PIPELINE_BQ_LOCATION', shown: 'the region', parse: text,
    description: 'BigQuery location (e.g. a multi-region `US`) when it differs from the region' }),
  datasetPrefix: optional({ flag: '--dataset-prefix <prefix>', env: 'PIPELINE_DATASET_PREFIX', shown: 'none', parse: text,
    description: 'prefix of every BigQuery dataset (`dev_` → `dev_raw`)' }),
  statePrefix: optional({ flag: '--state-prefix <prefix>', env: 'PIPELINE_STATE_PREFIX', shown: 'pipeline_', parse: text,
    description: 'prefix of the Firestore collections of the state and document stores' }),
  oidcAudience: optional({ flag: '--oidc-audience <url>', env: 'PIPELINE_OIDC_AUDIENCE', shown: 'none (no verification)', parse: url,
    description: 'verify an OIDC token (Pub/Sub push, Cloud Scheduler) on every request but `/healthz`, with this audience (the service URL)' }),
  oidcEmails: optional({ flag: '--oidc-emails <emails>', env: 'PIPELINE_OIDC_EMAILS', shown: 'any', parse: list,
    description: 'comma-separated service accounts whose tokens are accepted' }),
  oidcCertsUrl: withDefault({ flag: '--oidc-certs-url <url>', env: 'PIPELINE_OIDC_CERTS_URL', shown: "Google's", fallback: GOOGLE_OIDC_CERTS_URL, parse: url,
    description: 'where the signing certificates of the tokens are fetched (cached for the max-age the server sends)' }),
  allowUnauthenticated: withDefault({ flag: '--allow-unauthenticated', env: 'PIPELINE_ALLOW_UNAUTHENTICATED', shown: 'false', fallback: false, parse: boolean,
    description: 'let `--backend gcp` start without an OIDC audience (every caller that reaches the service is trusted)' }),
  publicStatus: withDefault({ flag: '--public-status', env: 'PIPELINE_PUBLIC_STATUS', shown: 'false', fallback: false, parse: boolean,
    description: 'serve the read-only routes (the status page at `/`, `/status`, `/runs`, `/trace`, `/explain`, `/api/*`) without a token even when OIDC is configured; replays and pushes still need one' }),
  maxBodyBytes: withDefault({ flag: '--max-body-bytes <bytes>', env: 'PIPELINE_MAX_BODY_BYTES', shown: '1048576', fallback: 1024 * 1024, parse: integer(1024, 64 * 1024 * 1024, 'BYTES (1024..67108864)'),
    description: 'largest request body; larger ones get 413' }),
  bodyTimeoutMs: withDefault({ flag: '--body-timeout-ms <ms>', env: 'PIPELINE_BODY_TIMEOUT_MS', shown: '10000', fallback: 10_000, parse: integer(100, 600_000, 'MS (100..600000)'),
    description: 'how long a client may take to send its headers and body; slower ones get 408 (a request still runs as long as its processor needs)' }),
} as const;

export type SettingKey = keyof typeof SERVE_SETTINGS;
type ValueOf<K extends SettingKey> = ReturnType<(typeof SERVE_SETTINGS)[K]['parse']>;

/** The resolved settings: a value for those with a default, possibly undefined for the others. */
export type ServeSettings = { [K in SettingKey]: (typeof SERVE_SETTINGS)[K] extends { fallback: unknown } ? ValueOf<K> : ValueOf<K> | undefined };

/** Variables read by other parts of the engine (not flags of `serve`); documented beside the settings. */
export const OTHER_VARIABLES: ReadonlyArray<{ env: string; description: string }> = [
  { env: 'PIPELINE_SPEC', description: 'the spec (the `-f` flag of every command; default `./pipeline.yaml`)' },
  { env: 'PIPELINE_DIR', description: 'local backend: the state folder (default `.pipeline` beside the spec)' },
  { env: 'PIPELINE_LOCAL_DURABILITY', description: 'local backend: `strict` commits each state transaction and each table write to DuckDB instead of in batches' },
  { env: 'PIPELINE_LEASE_TTL', description: 'how long a lease lives without its heartbeat (a duration, default `30s`; renewed every third of it): a run whose instance died is taken over after it' },
  { env: 'PIPELINE_BUCKET_<ALIAS>', description: "gcp backend: the bucket used for the spec's bucket alias (upper-cased, e.g. `PIPELINE_BUCKET_SCRAPED`)" },
  { env: 'PIPELINE_BIGQUERY_ENDPOINT', description: 'gcp backend: BigQuery API endpoint (tests point it at a local fake)' },
  { env: 'PIPELINE_STORAGE_ENDPOINT', description: 'gcp backend: Cloud Storage API endpoint (tests point it at a local fake)' },
  { env: 'PUBSUB_EMULATOR_HOST', description: 'gcp backend: talk to the Pub/Sub emulator at HOST:PORT (read by the client)' },
  { env: 'FIRESTORE_EMULATOR_HOST', description: 'gcp backend: talk to the Firestore emulator at HOST:PORT (read by the client)' },
];

/** The flag's name without its value placeholder: `--drain-ms`. */
export const flagName = (key: SettingKey) => SERVE_SETTINGS[key].flag.split(' ')[0]!;

/** commander's attribute name of a flag: `--drain-ms` → `drainMs`. */
const attribute = (key: SettingKey) => flagName(key).slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The settings that choose and locate the backends: commands other than `serve` (`reconcile`) take these too. */
export const BACKEND_SETTINGS: readonly SettingKey[] = ['backend', 'project', 'region', 'bigqueryLocation', 'datasetPrefix', 'statePrefix'];

/**
 * Flags (as commander parsed them: strings, or true for a switch) over environment over defaults.
 * Throws SettingError for a bad value, and when `gcp` would serve with no caller verification
 * (`serving: false` for a command that only talks to the backends, such as `reconcile`).
 */
export function resolveServeSettings(flags: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>, opts: { serving?: boolean } = {}): ServeSettings {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SERVE_SETTINGS) as SettingKey[]) {
    const s: SettingDef<unknown> = SERVE_SETTINGS[key];
    const flag = flags[attribute(key)];
    if (flag !== undefined) out[key] = typeof flag === 'boolean' ? flag : s.parse(flag, flagName(key));
    else if (env[s.env] !== undefined && env[s.env] !== '') out[key] = s.parse(env[s.env]!, s.env);
    else out[key] = s.fallback;
  }
  const settings = out as ServeSettings;
  if (opts.serving !== false && settings.backend === 'gcp' && !settings.oidcAudience && !settings.allowUnauthenticated)
    throw new SettingError(
      '--backend gcp without an OIDC audience would accept pushes and scheduler calls from anyone who reaches the service',
      '--oidc-audience URL (PIPELINE_OIDC_AUDIENCE, the service URL), or --allow-unauthenticated (PIPELINE_ALLOW_UNAUTHENTICATED=true) to start without verification',
    );
  return settings;
}

/**
 * The environment the backends read, with the settings applied: the gcp backends read their project,
 * location and prefixes from variables, so a flag given on the command line is written over them.
 */
export function backendEnv(settings: ServeSettings, env: Record<string, string | undefined>, plan: Plan): Record<string, string | undefined> {
  const out = { ...env };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) out[name] = value;
  };
  set(SERVE_SETTINGS.project.env, settings.project);
  set(SERVE_SETTINGS.bigqueryLocation.env, settings.bigqueryLocation ?? settings.region ?? plan.project.region);
  set(SERVE_SETTINGS.datasetPrefix.env, settings.datasetPrefix);
  set(SERVE_SETTINGS.statePrefix.env, settings.statePrefix);
  return out;
}

/** Every environment variable the engine reads (names; `PIPELINE_BUCKET_<ALIAS>` as a pattern). */
export function readVariables(): string[] {
  return [...Object.values(SERVE_SETTINGS).map((s) => s.env), ...OTHER_VARIABLES.map((v) => v.env)];
}

/** Whether `name` is a variable the engine reads (bucket overrides by their pattern). */
export function isReadVariable(name: string): boolean {
  return readVariables().includes(name) || /^PIPELINE_BUCKET_[A-Z0-9_]+$/.test(name);
}

/** The README's table of settings (Markdown). */
export function settingsTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = (Object.keys(SERVE_SETTINGS) as SettingKey[]).map((k) => {
    const s = SERVE_SETTINGS[k];
    return `| \`${s.env}\` | \`${s.flag}\` | ${cell(s.shown)} | ${cell(s.description)} |`;
  });
  const others = OTHER_VARIABLES.map((v) => `| \`${v.env}\` | | | ${cell(v.description)} |`);
  return ['| variable | flag | default | what |', '| --- | --- | --- | --- |', ...rows, ...others].join('\n');
}
