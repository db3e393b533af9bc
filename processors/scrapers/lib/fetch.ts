// Per-game requests: a game the schedule lists may not be published yet (404) — skip it and let a
// later run pick it up; anything else that is not JSON fails the run as SourceFormatError, like
// ctx.fetchJson (5xx are retried inside ctx.fetch).
import { SourceFormatError, type ProcessorContext } from 'pipeline/processor';

export async function fetchJsonUnless404<T>(ctx: Pick<ProcessorContext, 'fetch'>, url: string): Promise<T | undefined> {
  const res = await ctx.fetch(url);
  if (res.status === 404) return undefined;
  if (res.status >= 400) throw new SourceFormatError(`GET ${url} answered ${res.status}: ${res.text.slice(0, 120)}`);
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new SourceFormatError(`GET ${url} did not answer JSON (content-type ${res.contentType || 'none'}): ${JSON.stringify(res.text.slice(0, 80))}`);
  }
}
