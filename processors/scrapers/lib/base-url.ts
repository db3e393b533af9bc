// Where each source lives: a per-source variable, falling back to SOURCE_BASE_URL (one URL for all
// sources, as the sample source serves them). Missing configuration cannot be fixed by retrying.
import { NonRetryableError, type ProcessorContext } from 'pipeline/processor';

export class MissingConfigError extends NonRetryableError {
  override name = 'MissingConfigError';
}

export type SourceVar = 'NBA_COM_BASE_URL' | 'ODDS_API_BASE_URL' | 'BETTINGPROS_BASE_URL' | 'BIGDATABALL_BASE_URL';

/** The base URL (no trailing slash) for a source, from `name` or else SOURCE_BASE_URL. */
export function sourceBaseUrl(ctx: Pick<ProcessorContext, 'env'>, name: SourceVar): string {
  const raw = ctx.env(name)?.trim() || ctx.env('SOURCE_BASE_URL')?.trim();
  if (!raw) throw new MissingConfigError(`no base URL configured: set ${name} (or SOURCE_BASE_URL for every source) in the engine's environment`);
  if (!/^https?:\/\//.test(raw)) throw new MissingConfigError(`${ctx.env(name) ? name : 'SOURCE_BASE_URL'} must be an http(s) URL, found ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** `${base}${path}?k=v&…`, skipping undefined values. */
export function sourceUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return `${base}${path}${s ? `?${s}` : ''}`;
}
