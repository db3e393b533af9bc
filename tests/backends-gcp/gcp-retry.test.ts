// Which Google Cloud failures are retried, and the bounded exponential backoff.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isRetryable, retryPolicy, withRetry } from '../../engine/backends/gcp/gcp-retry.js';

const apiError = (code: number, reason?: string) => Object.assign(new Error(`${code} ${reason ?? ''}`), { code, errors: reason ? [{ reason }] : [] });

describe('GCP retries', () => {
  it('retries 429, 408, 5xx, 403 rate limits and network errors; nothing else', () => {
    for (const e of [apiError(429), apiError(408), apiError(500), apiError(503), apiError(403, 'rateLimitExceeded'), apiError(403, 'userRateLimitExceeded')]) {
      assert.equal(isRetryable(e), true, e.message);
    }
    for (const e of [apiError(400, 'invalid'), apiError(403, 'accessDenied'), apiError(403, 'quotaExceeded'), apiError(404, 'notFound'), apiError(409, 'duplicate')]) {
      assert.equal(isRetryable(e), false, e.message);
    }
    assert.equal(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), true);
    assert.equal(isRetryable(Object.assign(new Error('slow'), { type: 'request-timeout' })), true);
    assert.equal(isRetryable(new Error('plain')), false);
  });

  it('doubles the delay up to the ceiling, with jitter', () => {
    const p = retryPolicy({ baseMs: 100, maxMs: 500 });
    for (const [attempt, nominal] of [[1, 100], [2, 200], [3, 400], [4, 500], [8, 500]] as const) {
      const d = backoffDelay(p, attempt);
      assert.ok(d >= nominal * 0.8 && d <= nominal * 1.2, `attempt ${attempt}: ${d}`);
    }
  });

  it('stops at the attempt bound and names what it was doing', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const policy = retryPolicy({ attempts: 3, baseMs: 10, sleep: async (ms) => void sleeps.push(ms) });
    await assert.rejects(withRetry('jobs.get', policy, async () => { calls++; throw apiError(503); }), /jobs\.get: gave up after 3 attempts: 503/);
    assert.equal(calls, 3);
    assert.equal(sleeps.length, 2);
    assert.equal(await withRetry('x', policy, async (attempt) => (attempt < 2 ? Promise.reject(apiError(429)) : 'ok')), 'ok');
  });
});
