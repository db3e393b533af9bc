// PIPE038 on a window read: `min_partitions` may not exceed the partitions the window holds — `days`
// of them, plus the run's own day with `include_current`. The boundary cases, both sides, with and
// without the current day (a bound that forgot `include_current` would reject a valid `days + 1`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planFromText } from '../../engine/spec/index.js';

/** A two-processor spec whose `rolling` reads `raw.daily` through the given window. */
function specWithWindow(window: string): string {
  return `version: 1
name: windows
partition: { key: day }
datasets:
  raw:
    tables:
      daily:
        columns: { day: { type: date }, n: { type: int64 } }
        key: [day]
      rolling:
        columns: { day: { type: date }, n: { type: int64 } }
        key: [day]
phases:
  raw: { number: 1, topic: w-raw }
  mart: { number: 2, topic: w-mart }
processors:
  load_daily: { phase: raw, module: none.ts, writes: raw.daily }
  rolling:
    phase: mart
    module: none.ts
    writes: raw.rolling
    reads:
      raw.daily: { critical: true, window: ${window} }
`;
}

const windowDiagnostics = (window: string) =>
  planFromText(specWithWindow(window), 'windows.yaml', '.', { checkModules: false }).diagnostics.filter((d) => d.code === 'PIPE038');

describe('PIPE038: min_partitions against the window', () => {
  it('accepts min_partitions equal to days when the window excludes the current day', () => {
    assert.deepEqual(windowDiagnostics('{ days: 7, min_partitions: 7 }'), []);
  });

  it('rejects min_partitions of days + 1 when the window excludes the current day', () => {
    const [d, ...more] = windowDiagnostics('{ days: 7, min_partitions: 8 }');
    assert.deepEqual(more, []);
    assert.equal(d?.severity, 'error');
    assert.equal(d?.message, "min_partitions (8) exceeds the window's 7 partitions");
    assert.equal(d?.line, 23, 'located at the read');
  });

  it('accepts min_partitions of days + 1 with include_current (the run\'s own day counts)', () => {
    assert.deepEqual(windowDiagnostics('{ days: 7, include_current: true, min_partitions: 8 }'), []);
  });

  it('rejects min_partitions of days + 2 with include_current, counting the current day in the message', () => {
    const [d, ...more] = windowDiagnostics('{ days: 7, include_current: true, min_partitions: 9 }');
    assert.deepEqual(more, []);
    assert.equal(d?.message, "min_partitions (9) exceeds the window's 8 partitions (7 days and the current one)");
  });

  it('treats include_current: false as the default window', () => {
    assert.deepEqual(windowDiagnostics('{ days: 7, include_current: false, min_partitions: 7 }'), []);
    assert.equal(windowDiagnostics('{ days: 7, include_current: false, min_partitions: 8 }').length, 1);
  });
});
