// Cron expressions of schedules. croner (the scheduler the runtime uses) decides what parses; the spec
// accepts its five-field form only. When a text is refused, the reason is given in our own words: the
// field at fault and its range, or the form to write. croner's messages never reach the user.
import { Cron } from 'croner';

/** The accepted form and an example, for hints. */
export const CRON_FORM = 'five fields, minute hour day-of-month month day-of-week, e.g. "15 6 * * *" (06:15 every day) or "*/30 9-17 * * MON-FRI"';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS },
];

/** The five-field equivalents of the nicknames some cron dialects accept. */
const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

export interface CronProblem {
  /** Completes "cron expression `TEXT` ...". */
  reason: string;
  hint: string;
}

/** Why a schedule's cron text is refused, or undefined when it is a valid five-field expression. */
export function cronProblem(text: string): CronProblem | undefined {
  const fields = text.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 5 && parses(text)) return undefined;
  const hint = `write ${CRON_FORM}`;
  if (!fields.length) return { reason: 'is empty', hint };
  const nickname = NICKNAMES[text.trim().toLowerCase()];
  if (nickname) return { reason: 'is a nickname, which the spec does not accept', hint: `write the five fields instead: "${nickname}"` };
  if ((fields.length === 6 || fields.length === 7) && parses(text))
    return { reason: `has ${fields.length} fields: ${fields.length === 7 ? 'seconds and year fields are' : 'a seconds field is'} not supported`, hint: `write the five fields without seconds${fields.length === 7 ? ' and year' : ''}: "${fields.slice(1, 6).join(' ')}"` };
  const words = fields.filter((f) => /[a-z]{2,}/i.test(f) && !isNamedValue(f)).length;
  if (/:/.test(text) || words >= 2 || (words && fields.length !== 5))
    return { reason: 'is written in words or as a time of day, not as cron fields', hint };
  if (fields.length !== 5) return { reason: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, not five`, hint };
  for (let i = 0; i < 5; i++) {
    const reason = fieldProblem(fields[i]!, FIELDS[i]!);
    if (reason) return { reason, hint };
  }
  return { reason: 'is not a valid cron expression', hint };
}

function parses(text: string): boolean {
  try {
    new Cron(text, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/** A field made of month or day names (`JAN`, `MON-FRI`), or the L/W/# forms of the day fields. */
function isNamedValue(field: string): boolean {
  const words = field.toUpperCase().match(/[A-Z]{2,}/g) ?? [];
  return words.every((w) => MONTHS.includes(w) || DAYS.includes(w) || w === 'LW');
}

/** The first problem of one field, in words; undefined when nothing stands out (croner decides). */
function fieldProblem(field: string, f: Field): string | undefined {
  const at = `the ${f.name} field \`${field}\``;
  for (const item of field.split(',')) {
    if (!item) return `${at} has an empty item between commas`;
    // The L, W, # and ? forms of the day fields are croner's to judge.
    if (/[LW#?]/i.test(item.replace(/[A-Z]{3}/gi, ''))) continue;
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return `${at} has more than one \`/\``;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `${at}: the step after \`/\` must be a whole number of at least 1`;
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2 || bounds.some((b) => b === '')) return `${at}: \`${range}\` is not a value or a range \`a-b\``;
    const values: number[] = [];
    for (const b of bounds) {
      const n = valueOf(b, f);
      const subject = b === field ? at : `${at}: \`${b}\``;
      if (n === undefined)
        return f.names && /^[a-z]+$/i.test(b) ? `${subject} is not a ${f.name === 'month' ? 'month' : 'day'} name (${f.names[0]}–${f.names[f.names.length - 1]})` : `${subject} is not a number`;
      if (n < f.min || n > f.max) return `${subject} is out of range ${f.min}–${f.max}`;
      values.push(n);
    }
    if (values.length === 2 && values[0]! > values[1]!) return `${at}: the range \`${range}\` runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, f: Field): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i < 0) return undefined;
  return f.name === 'month' ? i + 1 : i;
}
