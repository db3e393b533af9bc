// Writing published JSON: validated against its schema first (a shape bug fails the run before
// anything is written), short cache lifetimes, and no wall clock in the content — the time of
// writing goes into the object's metadata, so identical inputs give identical bytes and the engine
// sees no new version.
import type { ProcessorContext } from 'pipeline/processor';
import { validatePublished, type PublishedKind } from './validate.js';

export const CACHE_CONTROL = 'public, max-age=300';
const PARTITION_TIMEZONE = 'America/New_York';

// The context's collection names are typed per processor once contracts are generated.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = ProcessorContext<any>;

export async function publishObject(ctx: AnyContext, collection: string, path: string, kind: PublishedKind, body: Record<string, unknown>): Promise<void> {
  validatePublished(kind, body, path);
  await ctx.putObject(collection, path, body, { cacheControl: CACHE_CONTROL, metadata: { generated_at: new Date(ctx.now()).toISOString() } });
}

export async function publishDocument(ctx: AnyContext, collection: string, path: string, kind: PublishedKind, doc: Record<string, unknown>): Promise<void> {
  validatePublished(kind, doc, path);
  await ctx.putDocument(collection, path, doc);
}

/** The engine clock's date in the partition time zone (YYYY-MM-DD). */
export function partitionToday(now: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: PARTITION_TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}

/**
 * Whether this run may move the "latest" pointers (tonight/, players/): not in a backfill, and only
 * for today's date or later — re-exporting an old date must not replace a newer player page.
 */
export function ownsLatest(ctx: AnyContext): boolean {
  return ctx.backfill === null && ctx.partition >= partitionToday(ctx.now());
}
