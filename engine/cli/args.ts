// Argument parsers shared by commands: each throws a UsageError naming the accepted form.
import { isDate, dateRange } from '../core/dates.js';
import type { Plan } from '../spec/plan.js';
import { didYouMean } from '../spec/diagnostics.js';
import { UsageError } from './errors.js';

export function parseDate(value: string, flag = '--date'): string {
  if (!isDate(value)) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a date`, `${flag} YYYY-MM-DD (e.g. 2025-11-15)`);
  return value;
}

export function parseRange(from: string, to: string | undefined, fromFlag = '--from', toFlag = '--to'): string[] {
  const a = parseDate(from, fromFlag);
  const b = to === undefined ? a : parseDate(to, toFlag);
  if (b < a) throw new UsageError(`${toFlag} ${b} is before ${fromFlag} ${a}`, `${fromFlag} YYYY-MM-DD ${toFlag} YYYY-MM-DD with ${toFlag} on or after ${fromFlag}`);
  const days = dateRange(a, b);
  if (days.length > 3660) throw new UsageError(`range ${a}..${b} spans ${days.length} days`, 'a range of at most 3660 days');
  return days;
}

export function parsePositiveInt(value: string, flag: string, max = 1000): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a whole number between 1 and ${max}`, `${flag} N (1..${max})`);
  return n;
}

export function parsePort(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a port`, `${flag} N (0..65535; 0 = any free port)`);
  return n;
}

export function parseProcessor(plan: Plan, name: string): string {
  if (plan.processors.has(name)) return name;
  const guess = didYouMean(name, plan.processors.keys());
  throw new UsageError(`unknown processor ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}`, 'a processor name from pipeline.yaml (see `pipeline graph`)');
}

export function parsePhase(plan: Plan, value: string, flag: string): string {
  const byNumber = plan.phases.find((p) => String(p.number) === value);
  if (byNumber) return byNumber.name;
  if (plan.phaseByName.has(value)) return value;
  const guess = didYouMean(value, plan.phaseByName.keys());
  throw new UsageError(`${flag} ${JSON.stringify(value)} is not a phase${guess ? ` (did you mean ${guess}?)` : ''}`, `${flag} ${plan.phases.map((p) => `${p.number}|${p.name}`).join(' | ')}`);
}

export function parseChoice<T extends string>(value: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} ${JSON.stringify(value)} is not allowed`, `${flag} ${choices.join('|')}`);
}
