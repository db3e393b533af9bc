// The one backoff function: exponential from the policy's initial wait, capped at its maximum.
import type { RetryPlan } from '../spec/plan.js';

export function backoffMs(policy: RetryPlan, attempt: number): number {
  const raw = policy.initialBackoffMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1));
  return Math.min(policy.maxBackoffMs, Math.round(raw));
}

/** Whether an error may be retried: non-retryable by flag, by the policy's names, or by nature. */
export function isRetryable(err: unknown, policy: RetryPlan): boolean {
  const e = err as { retryable?: boolean; name?: string };
  if (e?.retryable === false) return false;
  if (e?.name && policy.nonRetryable.includes(e.name)) return false;
  return true;
}
