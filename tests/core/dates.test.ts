// Partition arithmetic (UTC calendar days, immune to DST) and local-time conversions for schedules and
// deadlines, around the DST changes of America/New_York and America/Los_Angeles (2025: clocks spring
// forward on 9 March at 02:00 and fall back on 2 November at 02:00 local time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, dateRange, instantOf, isDate, localDate, windowPartitions, zoneOffsetMinutes } from '../../engine/core/dates.js';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('dates: partition arithmetic', () => {
  it('addDays crosses month, year and leap-day boundaries', () => {
    assert.equal(addDays('2025-01-31', 1), '2025-02-01');
    assert.equal(addDays('2025-02-28', 1), '2025-03-01');
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2025-03-01', -1), '2025-02-28');
    assert.equal(addDays('2025-11-15', 365), '2026-11-15');
    assert.equal(addDays('2025-11-15', 0), '2025-11-15');
  });

  it('addDays steps one calendar day across DST changes', () => {
    assert.equal(addDays('2025-03-08', 1), '2025-03-09');
    assert.equal(addDays('2025-03-09', 1), '2025-03-10');
    assert.equal(addDays('2025-11-01', 1), '2025-11-02');
    assert.equal(addDays('2025-11-02', 1), '2025-11-03');
    assert.equal(addDays('2025-11-03', -2), '2025-11-01');
  });

  it('isDate accepts real YYYY-MM-DD dates only', () => {
    assert.equal(isDate('2024-02-29'), true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '2025-11-15T00:00', '', '20251115']) assert.equal(isDate(bad), false, bad);
  });

  it('dateRange is inclusive, and empty when reversed', () => {
    assert.deepEqual(dateRange('2025-02-27', '2025-03-02'), ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    assert.deepEqual(dateRange('2025-11-15', '2025-11-15'), ['2025-11-15']);
    assert.deepEqual(dateRange('2025-11-16', '2025-11-15'), []);
  });

  it('windowPartitions covers the days before the partition, plus the partition when included', () => {
    assert.deepEqual(windowPartitions('2025-11-15', 3, false), ['2025-11-12', '2025-11-13', '2025-11-14']);
    assert.deepEqual(windowPartitions('2025-11-15', 3, true), ['2025-11-12', '2025-11-13', '2025-11-14', '2025-11-15']);
    assert.deepEqual(windowPartitions('2025-03-02', 3, false), ['2025-02-27', '2025-02-28', '2025-03-01']);
    assert.deepEqual(windowPartitions('2026-01-01', 1, false), ['2025-12-31']);
  });
});

describe('dates: time zones around DST', () => {
  it('zoneOffsetMinutes switches at the change instant', () => {
    assert.equal(zoneOffsetMinutes(at('2025-03-09T06:59:59Z'), NY), -300);
    assert.equal(zoneOffsetMinutes(at('2025-03-09T07:00:00Z'), NY), -240);
    assert.equal(zoneOffsetMinutes(at('2025-11-02T05:59:59Z'), NY), -240);
    assert.equal(zoneOffsetMinutes(at('2025-11-02T06:00:00Z'), NY), -300);
    assert.equal(zoneOffsetMinutes(at('2025-03-09T09:59:59Z'), LA), -480);
    assert.equal(zoneOffsetMinutes(at('2025-03-09T10:00:00Z'), LA), -420);
    assert.equal(zoneOffsetMinutes(at('2025-11-02T09:00:00Z'), LA), -480);
    assert.equal(zoneOffsetMinutes(at('2025-11-15T12:00:00Z'), 'UTC'), 0);
  });

  it('zoneOffsetMinutes (remembered per quarter hour) answers as Intl does at every instant, asked twice, near changes and between them', () => {
    // An independent reading of Intl's local time, for the comparison.
    const formats = new Map<string, Intl.DateTimeFormat>();
    const intl = (ms: number, timeZone: string) => {
      let f = formats.get(timeZone);
      if (!f) formats.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })));
      const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
      return Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000) / 60000);
    };
    // Zones with hour, half-hour (Lord Howe changes by 30 minutes) and quarter-hour offsets, and none;
    // and Monrovia in 1972, whose change (-0:44:30 to UTC, at 00:44:30Z) falls inside a quarter hour.
    const zones: Array<[string, string, string]> = [
      ...[NY, 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'UTC'].map((z): [string, string, string] => [z, '2024-01-01', '2027-01-01']),
      ['Africa/Monrovia', '1971-06-01', '1972-06-01'],
    ];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let changes = 0;
    for (const [tz, fromDay, toDay] of zones) {
      const from = at(`${fromDay}T00:00:00Z`);
      const span = at(`${toDay}T00:00:00Z`) - from;
      // Each change of the span (months apart), found by stepping days and bisecting to the second.
      const instants: number[] = [];
      for (let t = from; t < from + span; t += 86_400_000) {
        if (intl(t, tz) === intl(t + 86_400_000, tz)) continue;
        let lo = t;
        let hi = t + 86_400_000;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (intl(mid, tz) === intl(t, tz)) lo = mid;
          else hi = mid;
        }
        changes++;
        for (const d of [-900_001, -1000, -1, 0, 1, 999, 1000, 450_000, 899_999, 900_000]) instants.push(hi + d);
      }
      for (let i = 0; i < 300; i++) instants.push(from + Math.floor(random() * span));
      for (const ms of [...instants, ...instants]) assert.equal(zoneOffsetMinutes(ms, tz), intl(ms, tz), `${tz} at ${iso(ms)}`);
    }
    // Inside the quarter of Monrovia's change: first after it, then before it (a quarter remembered whole would answer wrong).
    for (const t of ['1972-01-07T00:44:40Z', '1972-01-07T00:44:20Z', '1972-01-07T00:30:00Z', '1972-01-07T00:44:59Z'])
      assert.equal(zoneOffsetMinutes(at(t), 'Africa/Monrovia'), intl(at(t), 'Africa/Monrovia'), t);
    assert.ok(changes >= 20, `the span has DST changes to test (${changes})`);
  });

  it('localDate turns at local midnight, in standard and in daylight time', () => {
    assert.equal(localDate(at('2025-11-16T04:59:59Z'), NY), '2025-11-15');
    assert.equal(localDate(at('2025-11-16T05:00:00Z'), NY), '2025-11-16');
    assert.equal(localDate(at('2025-11-02T03:59:59Z'), NY), '2025-11-01');
    assert.equal(localDate(at('2025-11-02T04:00:00Z'), NY), '2025-11-02');
    assert.equal(localDate(at('2025-03-09T07:59:59Z'), LA), '2025-03-08');
    assert.equal(localDate(at('2025-03-10T06:59:59Z'), LA), '2025-03-09');
    assert.equal(localDate(at('2025-03-10T07:00:00Z'), LA), '2025-03-10');
  });

  it('instantOf a local time on ordinary days either side of a change', () => {
    assert.equal(iso(instantOf('2025-03-08', '06:00', NY)), '2025-03-08T11:00:00.000Z');
    assert.equal(iso(instantOf('2025-03-10', '06:00', NY)), '2025-03-10T10:00:00.000Z');
    assert.equal(iso(instantOf('2025-11-01', '06:00', LA)), '2025-11-01T13:00:00.000Z');
    assert.equal(iso(instantOf('2025-11-03', '06:00', LA)), '2025-11-03T14:00:00.000Z');
    assert.equal(iso(instantOf('2025-11-15', '23:59', 'UTC')), '2025-11-15T23:59:00.000Z');
  });

  it('instantOf on the change days themselves, away from the changed hour', () => {
    assert.equal(iso(instantOf('2025-03-09', '01:59', NY)), '2025-03-09T06:59:00.000Z');
    assert.equal(iso(instantOf('2025-03-09', '03:00', NY)), '2025-03-09T07:00:00.000Z');
    assert.equal(iso(instantOf('2025-11-02', '00:30', NY)), '2025-11-02T04:30:00.000Z');
    assert.equal(iso(instantOf('2025-11-02', '06:00', LA)), '2025-11-02T14:00:00.000Z');
  });

  it('instantOf a time skipped when clocks spring forward moves forward by the gap', () => {
    assert.equal(iso(instantOf('2025-03-09', '02:30', NY)), '2025-03-09T07:30:00.000Z', '03:30 EDT');
    assert.equal(iso(instantOf('2025-03-09', '02:30', LA)), '2025-03-09T10:30:00.000Z', '03:30 PDT');
  });

  it('instantOf a time repeated when clocks fall back is its first occurrence', () => {
    assert.equal(iso(instantOf('2025-11-02', '01:30', NY)), '2025-11-02T05:30:00.000Z', '01:30 EDT');
    assert.equal(iso(instantOf('2025-11-02', '01:30', LA)), '2025-11-02T08:30:00.000Z', '01:30 PDT');
  });

  it('instantOf reads back as the same local time (or one gap later) for every quarter hour of the change days', () => {
    for (const tz of [NY, LA]) {
      for (const day of ['2025-03-09', '2025-11-02']) {
        for (let m = 0; m < 24 * 60; m += 15) {
          const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          const t = instantOf(day, hhmm, tz);
          const wall = Date.parse(`${day}T${hhmm}:00Z`);
          const readBack = t + zoneOffsetMinutes(t, tz) * 60_000;
          const skipped = day === '2025-03-09' && hhmm >= '02:00' && hhmm < '03:00';
          assert.equal(readBack, skipped ? wall + 3_600_000 : wall, `${tz} ${day} ${hhmm} → ${iso(t)}`);
          assert.equal(localDate(t, tz), day);
        }
      }
    }
  });
});
