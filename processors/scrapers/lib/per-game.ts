// The per-game scrapers' loop: the date's nba.com schedule, one request per game (four at a time),
// the answer validated, one object per game written. A game whose data is not published yet (404),
// or not ready as the scraper judges it, is skipped with a warning until a later run.
import type { ProcessorContext, ProcessorIO } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl, type SourceVar } from './base-url.js';
import { fetchJsonUnless404 } from './fetch.js';
import { mapLimit } from './limit.js';
import { fetchSchedule, type ScheduleGame } from './nba-schedule.js';

/** What one per-game scraper states; the rest is scrapePerGame's. */
export interface PerGameScrape<C extends string, B extends object> {
  collection: C;
  /** Where the game's data lives: `${base}${endpoint}?date=…&…query(game)`. */
  source: SourceVar;
  endpoint: string;
  query(game: ScheduleGame): Record<string, string>;
  /** What one object is, for the logs: "{what} of {game} not published yet (404)", "n/m {what}s written". */
  what: string;
  /** How the logs name a game (its gameId unless given). */
  label?(game: ScheduleGame): string;
  /** The body to store, checked; throws SourceFormatError on schema drift. */
  validate(raw: unknown, url: string): B;
  /** Why the game is skipped for now ("has no rows yet"), or undefined to write it. */
  notReady(body: B, url: string): string | undefined;
  /** The object's path in the collection. */
  path(body: B, game: ScheduleGame, date: string, url: string): string;
}

export async function scrapePerGame<IO extends ProcessorIO, B extends object>(ctx: ProcessorContext<IO>, s: PerGameScrape<IO['collections'], B>): Promise<void> {
  const date = ctx.partition;
  const { games } = await fetchSchedule(ctx, date);
  const base = sourceBaseUrl(ctx, s.source);
  let written = 0;
  await mapLimit(games, 4, async (g) => {
    const label = s.label ? s.label(g) : g.gameId;
    const url = sourceUrl(base, s.endpoint, { date, ...s.query(g) });
    const raw = await fetchJsonUnless404<unknown>(ctx, url);
    if (raw === undefined) return void ctx.log.warn(`${s.what} of ${label} not published yet (404)`, { url });
    const body = s.validate(raw, url);
    const why = s.notReady(body, url);
    if (why !== undefined) return void ctx.log.warn(`${s.what} of ${label} ${why}`);
    await ctx.putObject(s.collection, s.path(body, g, date, url), body);
    written++;
  });
  ctx.log.info(`${written}/${games.length} ${s.what}s written for ${date}`);
}
