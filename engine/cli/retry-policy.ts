// The retry policy of processors run by the CLI. The spec's policy is the service's (five attempts,
// backoff from 10 s): right for a flaky source in production, but locally it leaves a bug silent for
// minutes. So local commands retry briefly by default, `--fail-fast` does not retry at all, and
// `--spec-retry` keeps the spec's policy (to see what production would do).
import type { Plan, RetryPlan } from '../spec/plan.js';

export type LocalRetry = 'local' | 'fail-fast' | 'spec';

/** The short local policy: at most this many attempts, waiting 1 s then 2 s. */
export const LOCAL_RETRY = { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 2000 } as const;

function shorten(policy: RetryPlan, mode: LocalRetry): RetryPlan {
  if (mode === 'fail-fast') return { ...policy, maxAttempts: 1 };
  return {
    ...policy,
    maxAttempts: Math.min(policy.maxAttempts, LOCAL_RETRY.maxAttempts),
    initialBackoffMs: Math.min(policy.initialBackoffMs, LOCAL_RETRY.initialBackoffMs),
    maxBackoffMs: Math.min(policy.maxBackoffMs, LOCAL_RETRY.maxBackoffMs),
  };
}

/**
 * The plan with every processor's retry policy shortened. Only retries change: fingerprints use each
 * processor's spec hash, computed from the spec as written, so a local run dedups like the service.
 */
export function withLocalRetry(plan: Plan, mode: LocalRetry): Plan {
  if (mode === 'spec') return plan;
  const processors = new Map([...plan.processors].map(([name, p]) => [name, { ...p, retry: shorten(p.retry, mode) }] as const));
  return { ...plan, processors };
}

/** `--fail-fast` / `--spec-retry` as a mode (both given: a usage error, reported by the caller). */
export function retryMode(opts: { failFast?: boolean; specRetry?: boolean }): LocalRetry | undefined {
  if (opts.failFast && opts.specRetry) return undefined;
  return opts.failFast ? 'fail-fast' : opts.specRetry ? 'spec' : 'local';
}
