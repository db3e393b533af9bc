// The local-service API: a module named under `local.services` in pipeline.yaml default-exports
// `defineLocalService({ start })`. Local commands start it when its URL is not already known (its
// `env` variable set, or one left running by `pipeline source start` or the demo), and stop it after.
// Production never starts one: real sources have real URLs.

export interface LocalServiceOptions {
  /** Port to listen on (0: any free port). Listen on 127.0.0.1 only. */
  port: number;
  /** The environment of the command (for settings such as a seed). */
  env: Record<string, string | undefined>;
}

export interface RunningLocalService {
  /** Base URL, no trailing slash; processors receive it through the service's `env` variable. */
  url: string;
  close(): Promise<void>;
}

export interface LocalServiceDefinition {
  start(opts: LocalServiceOptions): Promise<RunningLocalService>;
}

const BRAND = Symbol.for('pipeline.local-service');

export interface DefinedLocalService extends LocalServiceDefinition {
  readonly [BRAND]: true;
}

export function defineLocalService(def: LocalServiceDefinition): DefinedLocalService {
  return { start: def.start, [BRAND]: true };
}

export function isDefinedLocalService(v: unknown): v is DefinedLocalService {
  return !!v && typeof v === 'object' && (v as Record<symbol, unknown>)[BRAND] === true;
}
