// Retrying Google Cloud REST calls: which failures are transient, and one bounded exponential
// backoff. BigQuery and Cloud Storage clients are built with their own retries switched off so that
// this is the only retry loop (no retries multiplied by retries, and the tests can count attempts).
//
// Transient: HTTP 429, 408 and 5xx; 403 whose reason is `rateLimitExceeded` or
// `userRateLimitExceeded` (BigQuery's quota errors); network errors (connection reset/refused,
// request timeouts). Everything else (400 invalid, 403 accessDenied, 404, 409) fails at once.

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** Delay before the second attempt (default 500 ms); doubles each time, with ±20 % jitter. */
  baseMs: number;
  /** Ceiling of one delay (default 16 s). */
  maxMs: number;
  /** How to wait (tests record the delays instead of sleeping). */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseMs: 500,
  maxMs: 16_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY, ...overrides };
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

interface ApiErrorLike {
  code?: number | string;
  status?: number;
  errors?: Array<{ reason?: string }>;
  response?: { status?: number };
}

/** The HTTP status of a client error, when it has one. */
export function httpStatus(err: unknown): number | undefined {
  const e = err as ApiErrorLike;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.status === 'number') return e.status;
  if (typeof e?.response?.status === 'number') return e.response.status;
  return undefined;
}

export function errorReasons(err: unknown): string[] {
  const e = err as ApiErrorLike;
  return (e?.errors ?? []).map((x) => x?.reason ?? '').filter(Boolean);
}

export function isRetryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined) {
    if (status === 429 || status === 408 || status >= 500) return true;
    if (status === 403) return errorReasons(err).some((r) => RATE_LIMIT_REASONS.has(r));
    return false;
  }
  const { code, type } = (err ?? {}) as { code?: unknown; type?: unknown };
  // node-fetch (under the clients' transport) reports a request timeout as type 'request-timeout'.
  return (typeof code === 'string' && NETWORK_CODES.has(code)) || type === 'request-timeout';
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/**
 * Run `fn` until it succeeds, fails with a non-transient error, or the attempts are spent. `fn`
 * gets the attempt number (1-based). The final error names what was being done and how often.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  retryable: (err: unknown) => boolean = isRetryable,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retryable(err)) throw err;
      if (attempt >= policy.attempts) {
        const e = err as Error;
        e.message = `${what}: gave up after ${attempt} attempts: ${e.message}`;
        throw e;
      }
      await policy.sleep(backoffDelay(policy, attempt));
    }
  }
}
