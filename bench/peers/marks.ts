// Timestamps taken inside the job functions of every system: when a step's code starts and when it
// returns. Handoff, gate latency, wall time and throughput are all computed from these, so each system
// is measured where a user feels it, not at the scheduler's own bookkeeping.
import { performance } from 'node:perf_hooks';

export interface StepMarks {
  starts: number[];
  returns: number[];
}

/** `partition|step` → marks. Waiters resolve when the steps they name have returned. */
export class Marks {
  readonly steps = new Map<string, StepMarks>();
  private waiters: Array<{ keys: Set<string>; resolve: () => void }> = [];

  static key(partition: string, step: string): string {
    return `${partition}|${step}`;
  }

  private of(partition: string, step: string): StepMarks {
    const k = Marks.key(partition, step);
    let m = this.steps.get(k);
    if (!m) this.steps.set(k, (m = { starts: [], returns: [] }));
    return m;
  }

  /** Wraps a step's own code: the first and last thing inside the job function. */
  async step<T>(partition: string, step: string, code: () => T | Promise<T>): Promise<T> {
    const m = this.of(partition, step);
    m.starts.push(performance.now());
    const out = await code();
    m.returns.push(performance.now());
    this.notify(Marks.key(partition, step));
    return out;
  }

  get(partition: string, step: string): StepMarks | undefined {
    return this.steps.get(Marks.key(partition, step));
  }

  private notify(k: string): void {
    for (const w of [...this.waiters]) {
      w.keys.delete(k);
      if (!w.keys.size) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves when every named step has returned at least once; rejects naming the missing ones after timeoutMs. */
  returned(keys: string[], timeoutMs: number, what: string): Promise<void> {
    const left = new Set(keys.filter((k) => !this.steps.get(k)?.returns.length));
    if (!left.size) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`${what}: ${left.size} step(s) never returned within ${timeoutMs} ms, e.g. ${[...left].slice(0, 3).join(', ')}`));
      }, timeoutMs);
      const w = { keys: left, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(w);
    });
  }
}
