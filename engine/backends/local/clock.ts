// Clocks: the system clock for real runs, and a manual clock tests move by hand (time only passes
// when the test says so, and sleepers wake in due order as it passes them).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms > 0 ? sleep(ms) : Promise.resolve()),
};

interface Sleeper {
  due: number;
  seq: number;
  wake: () => void;
}

export class ManualClock implements Clock {
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ due: this.current + ms, seq: this.seq++, wake }));
  }

  /** Move time forward by `ms`, waking every sleeper whose time has come. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Set the time (never backwards), waking every sleeper whose time has come. */
  set(now: number): void {
    if (now < this.current) throw new Error(`ManualClock cannot go back from ${this.current} to ${now}`);
    this.current = now;
    const due = this.sleepers.filter((s) => s.due <= now).sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.sleepers = this.sleepers.filter((s) => s.due > now);
    for (const s of due) s.wake();
  }

  /** Sleepers not yet woken. */
  pendingSleeps(): number {
    return this.sleepers.length;
  }
}
