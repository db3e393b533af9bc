// Runners: the processes that hold leases. Every lease names its runner (id, host, pid), so a lease
// whose process is gone is taken over at once instead of after its expiry. On one host a process's
// liveness is known (signal 0); elsewhere only the lease's heartbeat tells, so an unknown runner is
// judged by expiry alone.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunnerId } from '../core/types.js';

/** true: alive; false: known to be gone; undefined: cannot tell here (trust the lease's expiry). */
export type Liveness = (runner: RunnerId) => boolean | undefined;

let self: RunnerId | undefined;

/** This process as a runner: one identity per process, shared by every engine in it. */
export function processRunner(): RunnerId {
  return (self ??= { id: randomUUID(), host: hostname(), pid: process.pid, startedAt: Date.now() });
}

export function runnerText(r: RunnerId | undefined): string {
  return r ? `pid ${r.pid} on ${r.host}` : 'no process (held by its state)';
}

/** A process on this host is alive when signal 0 reaches it and it is still a node process (pid reuse). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd === '' || /node|tsx/.test(cmd);
  } catch {
    return true; // no /proc here: signal 0 is all we know
  }
}

/**
 * Liveness on one machine (the embedded default): the runner is this process, another process of this
 * host (checked), or of another host (unknown).
 */
export function hostLiveness(self: RunnerId): Liveness {
  return (r) => {
    if (r.id === self.id) return true;
    if (r.host !== self.host) return undefined;
    if (r.pid === self.pid) return false; // this pid under another runner id: an earlier process that died
    return processAlive(r.pid);
  };
}

/** Liveness where processes cannot be checked (Cloud Run instances): only this runner is known alive. */
export function selfOnlyLiveness(self: RunnerId): Liveness {
  return (r) => (r.id === self.id ? true : undefined);
}
