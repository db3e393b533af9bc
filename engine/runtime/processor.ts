// The processor API. A processor module default-exports `defineProcessor(name, { run })`; the engine
// loads it, builds a context limited to what the spec declares, and owns everything after `run`
// returns: keyed upserts, content hashes, versions, completion, events. Processor code never marks
// itself complete, never publishes and never writes the execution log.
//
// Processors import it as `pipeline/processor` (package.json `exports`). Types: `ProcessorRegistry` is
// filled in by the pipeline's own generated code (`generated/contracts.ts` beside its pipeline.yaml,
// brought in by the pipeline's tsconfig) through declaration merging on 'pipeline/processor', so
// `ctx.read('dataset.table')` and `ctx.write(rows)` are checked per processor. The engine never
// imports a pipeline's generated code.
import type { BackfillFlags, Scope } from '../core/types.js';
import type { Row } from '../ports.js';

export type { BackfillFlags, Scope } from '../core/types.js';

/** Filled by codegen: processor name → { reads: { table: RowType }, writes: RowType, objects, documents }. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ProcessorRegistry {}

type Known = keyof ProcessorRegistry extends never ? false : true;

export interface ProcessorIO {
  reads: Record<string, Row>;
  writes: Row;
  collections: string;
}

type IOOf<N extends string> = N extends keyof ProcessorRegistry
  ? ProcessorRegistry[N] extends ProcessorIO
    ? ProcessorRegistry[N]
    : ProcessorIO
  : ProcessorIO;

export interface ReadOptions {
  /** Only rows of these entities (defaults to none: the whole partition or window). */
  scope?: Scope | null;
}

export interface FetchOptions {
  timeoutMs?: number;
  retries?: number;
  headers?: Record<string, string>;
}

export interface FetchedResponse {
  status: number;
  url: string;
  contentType: string;
  text: string;
}

export interface StoredObjectView {
  path: string;
  body: Buffer;
  json<T = unknown>(): T;
}

export interface ProcessorLogger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

export interface ProcessorContext<IO extends ProcessorIO = ProcessorIO> {
  readonly processor: string;
  readonly partition: string;
  /** The entities this run covers; null = the whole partition. */
  readonly scope: Scope | null;
  readonly backfill: BackfillFlags | null;
  readonly executionId: string;
  readonly correlationId: string;
  readonly attempt: number;
  /** Aborted when the run times out or loses its lease. */
  readonly signal: AbortSignal;
  /** The engine clock (epoch ms): use it instead of Date.now() so tests and replays are deterministic. */
  now(): number;
  /** Configuration from the environment of the engine (e.g. a source's base URL). */
  env(name: string): string | undefined;
  /** Read a declared input for this run's partition (or its window). Undeclared reads fail the run. */
  read<T extends keyof IO['reads'] & string>(table: T, opts?: ReadOptions): Promise<IO['reads'][T][]>;
  /** Objects of a declared collection input, for this partition. */
  readObjects(collection: string): Promise<StoredObjectView[]>;
  /** Rows for the declared output table (collected; the engine upserts them after `run`). */
  write(rows: readonly IO['writes'][]): void;
  /** Write an object into a declared output collection (path relative to the bucket). */
  putObject(collection: IO['collections'], path: string, body: string | Buffer | object, opts?: { contentType?: string; cacheControl?: string; metadata?: Record<string, string> }): Promise<void>;
  /** Write a document into a declared output collection. */
  putDocument(collection: IO['collections'], path: string, doc: Record<string, unknown>): Promise<void>;
  /** HTTP GET with a timeout and retries on 5xx (for scrapers). */
  fetch(url: string, opts?: FetchOptions): Promise<FetchedResponse>;
  /** fetch + JSON parse; a non-JSON answer fails with a clear, non-retryable error. */
  fetchJson<T = unknown>(url: string, opts?: FetchOptions): Promise<T>;
  readonly log: ProcessorLogger;
}

export interface ProcessorDefinition<IO extends ProcessorIO = ProcessorIO> {
  /** The processor's name in pipeline.yaml: the engine refuses a module registered under another name. */
  readonly name: string;
  run(ctx: ProcessorContext<IO>): Promise<void> | void;
}

export const PROCESSOR_BRAND = Symbol.for('pipeline.processor');

export interface DefinedProcessor extends ProcessorDefinition<ProcessorIO> {
  readonly [PROCESSOR_BRAND]: true;
}

/**
 * Define a processor. With generated contracts present, `name` must be a processor of the spec and
 * the context is typed with its declared reads and output row.
 */
export function defineProcessor<N extends Known extends true ? keyof ProcessorRegistry & string : string>(
  name: N,
  def: { run(ctx: ProcessorContext<IOOf<N>>): Promise<void> | void },
): DefinedProcessor {
  return defineUntypedProcessor(name, def as { run(ctx: ProcessorContext): Promise<void> | void });
}

/**
 * Define a processor of a spec that codegen did not type (tests, tools, a second pipeline): the
 * context is the generic one. The engine checks reads and writes against the spec at run time either way.
 */
export function defineUntypedProcessor(name: string, def: { run(ctx: ProcessorContext): Promise<void> | void }): DefinedProcessor {
  return { name, run: def.run, [PROCESSOR_BRAND]: true };
}

export function isDefinedProcessor(v: unknown): v is DefinedProcessor {
  return !!v && typeof v === 'object' && (v as Record<symbol, unknown>)[PROCESSOR_BRAND] === true;
}

// ---- Errors a processor (or the engine on its behalf) throws, by retryability ----

/** Base for errors that must not be retried: retrying cannot fix them. */
export class NonRetryableError extends Error {
  readonly retryable = false;
}

/** A source answered with something that is not what the scraper expects (non-JSON, schema drift). */
export class SourceFormatError extends NonRetryableError {
  override name = 'SourceFormatError';
}

/** A source failed transiently (5xx, timeout, connection reset): retried by policy. */
export class SourceUnavailableError extends Error {
  override name = 'SourceUnavailableError';
  readonly retryable = true;
}

export class UndeclaredAccessError extends NonRetryableError {
  override name = 'UndeclaredAccessError';
}

export class RowValidationError extends NonRetryableError {
  override name = 'RowValidationError';
}

export class RunTimeoutError extends Error {
  override name = 'RunTimeoutError';
  readonly retryable = true;
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  readonly retryable = false;
}
