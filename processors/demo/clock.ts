// A clock for replaying a past game day: it starts at a given ET time of that date and moves with
// real time (timers are real). The publishers move the "latest" pointers (v1/tonight/, v1/players/)
// only for today's date, so the demo, the end-to-end tests and the benchmark run "on" their last date.
import { setTimeout as sleep } from 'node:timers/promises';
import { instantOf } from '../../engine/core/dates.js';
import type { Clock } from '../../engine/ports.js';

export function gameDayClock(date: string, hhmm = '12:00'): Clock {
  const base = instantOf(date, hhmm, 'America/New_York');
  const start = Date.now();
  return {
    now: () => base + (Date.now() - start),
    sleep: (ms) => (ms > 0 ? sleep(ms) : Promise.resolve()),
  };
}
