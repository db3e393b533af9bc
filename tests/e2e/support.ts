// Shared support for the end-to-end NBA tests: the real engine and the sample source
// (tests/processors/support.ts) on a clock at noon ET of the test's "today" (the publishers move the
// latest pointers — v1/tonight/, v1/players/ — only for today's date), a short history backfill through
// analytics for the rolling windows of phase 4, and readers for what phase 6 published.
import type { LogEntry, WireMessage } from '../../engine/ports.js';
import type { PartitionVersion } from '../../engine/core/types.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { gameDayClock } from '../../processors/demo/clock.js';
import { historyDates } from '../../processors/demo/dates.js';
import { publishedErrors, type PublishedKind } from '../../processors/publishing/validate.js';
import { startNbaEnv, type NbaEnv } from '../processors/support.js';

export const SEED = 42;

/** The engine and sample source with `today` as the engine's date, and `historyDays` before `firstDate` backfilled through analytics. */
export async function startE2eEnv(opts: { today: string; firstDate: string; historyDays: number }): Promise<{ nba: NbaEnv; history: LogEntry[] }> {
  const nba = await startNbaEnv({ seed: SEED, clock: gameDayClock(opts.today) });
  try {
    const dates = historyDates(opts.firstDate, opts.historyDays);
    const history = await runCascade(nba.local, { dates, backfill: { mode: true, reason: 'e2e history', stopAfter: 'analytics' } });
    return { nba, history };
  } catch (e) {
    await nba.cleanup();
    throw e;
  }
}

export function apiBucket(nba: NbaEnv): string {
  const a = nba.plan.assets.get('objects/api_predictions');
  if (a?.kind !== 'objects') throw new Error('objects/api_predictions is not an object collection of the plan');
  return a.bucket;
}

/** A published object as JSON (undefined when absent). */
export async function publishedJson(nba: NbaEnv, path: string): Promise<Record<string, any> | undefined> {
  const o = await nba.local.backends.objects.get(apiBucket(nba), path);
  return o ? (JSON.parse(o.body.toString('utf8')) as Record<string, any>) : undefined;
}

/** The schema of a published object, by its path under v1/. */
export function kindOfObject(path: string): PublishedKind {
  if (/^v1\/predictions\/\d{4}-\d{2}-\d{2}\.json$/.test(path)) return 'predictions';
  if (/^v1\/best-bets\/\d{4}-\d{2}-\d{2}\.json$/.test(path)) return 'best-bets';
  if (/^v1\/results\/\d{4}-\d{2}-\d{2}\.json$/.test(path)) return 'results';
  if (path === 'v1/tonight/all-players.json') return 'tonight-all-players';
  if (/^v1\/players\/[a-z]+\.json$/.test(path)) return 'player';
  throw new Error(`unexpected published object ${path}`);
}

export const DOCUMENT_COLLECTIONS: ReadonlyArray<[string, PublishedKind]> = [
  ['predictions/daily', 'doc-predictions-daily'],
  ['games', 'doc-game'],
  ['players', 'doc-player'],
];

export interface Published {
  path: string;
  kind: PublishedKind;
  body: Record<string, any>;
  /** Schema errors (empty when valid). */
  errors: string[];
}

/** Every object under v1/ and every document, parsed and validated against its schema. */
export async function everythingPublished(nba: NbaEnv): Promise<{ objects: Published[]; documents: Published[] }> {
  const objects: Published[] = [];
  for (const path of await nba.local.backends.objects.list(apiBucket(nba), 'v1/')) {
    const kind = kindOfObject(path);
    const body = (await publishedJson(nba, path))!;
    objects.push({ path, kind, body, errors: publishedErrors(kind, body) });
  }
  const documents: Published[] = [];
  for (const [collection, kind] of DOCUMENT_COLLECTIONS) {
    for (const path of await nba.local.backends.documents.list(collection)) {
      const body = (await nba.local.backends.documents.get(path))!;
      documents.push({ path, kind, body, errors: publishedErrors(kind, body) });
    }
  }
  return { objects, documents };
}

/** Every (asset, partition) version in the state store, as `asset|partition` → version. */
export async function allVersions(nba: NbaEnv): Promise<Map<string, number>> {
  const vs = await nba.local.backends.state.query<PartitionVersion>('versions', {});
  return new Map(vs.map((v) => [`${v.asset}|${v.partition}`, v.version] as const));
}

/** Failed runs and dead letters of a log, as readable lines (empty when all went well). */
export function failuresOf(log: LogEntry[]): string[] {
  return log.filter((e) => e.event.startsWith('run:failed') || e.event === 'message:rejected').map((e) => `${e.event} ${e.processor ?? ''} ${e.partition ?? ''}: ${e.errorType ?? ''} ${e.errorMessage ?? e.reasons?.join('; ') ?? ''}`);
}

/** Asset updates among bus messages (what the engine publishes when a write changed content). */
export function tableUpdates(published: Array<{ message: WireMessage }>): Array<Record<string, unknown>> {
  return published.map((p) => p.message.data).filter((d) => d.event_type === 'table_updated');
}

export function phaseNumber(nba: NbaEnv, processor: string): number {
  return nba.plan.processors.get(processor)!.phaseNumber;
}

/** `kind:id,id` scope text of the log → { kind, ids } (null = the whole partition). Log scopes list at most 5 ids. */
export function parseScope(text: string | undefined): { kind: string; ids: string[]; more: number } | null {
  if (!text || text === 'all') return null;
  const m = /^(\w+):(.*)$/.exec(text);
  if (!m) throw new Error(`unexpected scope text ${text}`);
  const parts = m[2]!.split(',');
  const tail = /^…\(\+(\d+)\)$/.exec(parts[parts.length - 1] ?? '');
  return { kind: m[1]!, ids: tail ? parts.slice(0, -1) : parts, more: tail ? Number(tail[1]) : 0 };
}

/** run:started entries per processor for one partition. */
export function startsByProcessor(log: LogEntry[], partition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of log) if (e.event === 'run:started' && e.partition === partition) out.set(e.processor!, (out.get(e.processor!) ?? 0) + 1);
  return out;
}
