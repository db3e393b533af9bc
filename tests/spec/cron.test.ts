// Cron expressions: croner decides what parses (the runtime schedules with it) and the spec takes its
// five-field form; a refused text is explained in our words — the field at fault and its range, or the
// form to write with an example — and croner's own messages never reach the user.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRON_FORM, cronProblem } from '../../engine/spec/cron.js';
import { planFromText } from '../../engine/spec/index.js';

/** Words of croner's messages ("CronPattern: ...", "Invalid ISO8601 passed to timezone parser", ...). */
const CRONER_WORDING = /CronPattern|ISO ?8601|timezone parser|configuration|illegal|stepping|From value/i;

describe('cron expressions the spec accepts', () => {
  for (const text of ['15 6 * * *', '*/30 9-17 * * MON-FRI', '0 0 1 JAN *', '0 6 L * *', '0 6 * * 1#2', '0 6 ? * *', '0 6 15W * *', '0 6-23/2 * * 0,6', '0 6 * * 7'])
    it(JSON.stringify(text), () => assert.equal(cronProblem(text), undefined));
});

describe('cron expressions refused, in our words', () => {
  const cases: Array<[string, RegExp]> = [
    ['daily at 06:00', /is written in words or as a time of day/],
    ['every day at 6am', /is written in words or as a time of day/],
    ['6am', /is written in words/],
    ['', /is empty/],
    ['* * * *', /has 4 fields, not five/],
    ['0 15 6 * * *', /has 6 fields: a seconds field is not supported/],
    ['0 0 6 * * * 2026', /has 7 fields: seconds and year fields are not supported/],
    ['@daily', /is a nickname/],
    ['0 25 * * *', /^the hour field `25` is out of range 0–23$/],
    ['61 * * * *', /^the minute field `61` is out of range 0–59$/],
    ['0 6 32 * *', /^the day-of-month field `32` is out of range 1–31$/],
    ['0 6 * 13 *', /^the month field `13` is out of range 1–12$/],
    ['0 6 * * 8', /^the day-of-week field `8` is out of range 0–7$/],
    ['0 6 * FOO *', /^the month field `FOO` is not a month name \(JAN–DEC\)$/],
    ['0 6 * * MON-FOO', /`FOO` is not a day name \(SUN–SAT\)$/],
    ['x 6 * * *', /^the minute field `x` is not a number$/],
    ['*/0 * * * *', /the step after `\/` must be a whole number of at least 1/],
    ['5-1 * * * *', /the range `5-1` runs backwards/],
    ['0,,5 * * * *', /has an empty item between commas/],
    ['0 6 */2/3 * *', /has more than one `\/`/],
  ];
  for (const [text, reason] of cases) {
    it(JSON.stringify(text), () => {
      const p = cronProblem(text);
      assert.ok(p, `${JSON.stringify(text)} must be refused`);
      assert.match(p.reason, reason);
      assert.doesNotMatch(`${p.reason} ${p.hint}`, CRONER_WORDING);
      assert.ok(p.hint.startsWith('write '), p.hint);
    });
  }

  it('hints give the five fields to write: the accepted form, or the equivalent of a nickname or of a six-field text', () => {
    assert.equal(cronProblem('0 25 * * *')!.hint, `write ${CRON_FORM}`);
    assert.match(CRON_FORM, /minute hour day-of-month month day-of-week, e\.g\. "15 6 \* \* \*"/);
    assert.equal(cronProblem('@hourly')!.hint, 'write the five fields instead: "0 * * * *"');
    assert.equal(cronProblem('0 15 6 * * *')!.hint, 'write the five fields without seconds: "15 6 * * *"');
  });

  it('a schedule whose cron reads as a time of day reports our message at the cron value, never croner\'s', () => {
    const text = `version: 1
name: mini
partition: { key: game_date }
datasets: { raw: { tables: { games: { columns: { game_date: { type: date } }, key: [game_date] } } } }
phases: { raw: { number: 1, topic: mini-raw } }
processors: { load_games: { phase: raw, module: m.ts, writes: raw.games } }
schedules:
  nightly: { cron: "daily at 06:00", timezone: America/New_York, target: load_games }
`;
    const diags = planFromText(text, 'p.yaml', '.', { checkModules: false }).diagnostics;
    assert.deepEqual(diags.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`), ['8:20 PIPE021 cron expression `daily at 06:00` is written in words or as a time of day, not as cron fields']);
    assert.doesNotMatch(`${diags[0]!.message} ${diags[0]!.hint}`, CRONER_WORDING);
  });
});
