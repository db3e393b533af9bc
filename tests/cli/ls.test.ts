// `pipeline ls` and `pipeline schedule list`: the spec at a glance, filtered, and each schedule's next
// fires in the pipeline's time zone with the partition it would run — computed by croner from a given
// time, so the expectations are fixed dates.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOP = path.join(ROOT, 'tests/fixtures/shop/pipeline.yaml');

async function cli(...args: string[]) {
  const io = bufferIO(ROOT, {});
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('pipeline ls', () => {
  it('lists every kind of the shop pipeline, with writers, readers, levels and what fires them', async () => {
    const r = await cli('-f', SHOP, 'ls', '--at', '2025-03-01T12:00:00Z');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^processors \(4\)/);
    assert.match(r.out, /daily_sales\s+report\s+shop_report\.daily_sales\s+shop\.orders\s+none\s+store\s+stage reporting\/level-1/);
    assert.match(r.out, /load_orders\s+clean\s+shop\.orders\s+objects\/pos_orders\s+its reads/);
    assert.match(r.out, /shop\.orders\s+table\s+load_orders\s+daily_sales\s+order_id/);
    assert.match(r.out, /orders_loaded\s+load_orders\s+stage reporting/);
    assert.match(r.out, /reporting\s+1: daily_sales \| 2: store_trends\s+orders_loaded/);
    assert.match(r.out, /nightly_export\s+30 23 \* \* \* Europe\/Paris\s+processor fetch_pos_orders\s+today\s+2025-03-01 23:30 Europe\/Paris → 2025-03-01/);
  });

  it('filters by kind, phase, pattern, reads and writes', async () => {
    const phase = await cli('ls', 'processors', '--phase', 'precompute');
    assert.equal(phase.code, 0, phase.err);
    assert.match(phase.out, /^processors \(5\)/);
    assert.doesNotMatch(phase.out, /player_game_summary\s+analytics/);
    const reads = await cli('ls', 'processors', '--reads', 'nba_raw.nbac_schedule', '--json');
    assert.deepEqual(JSON.parse(reads.out).processors.map((p: { name: string }) => p.name).sort(), ['upcoming_player_game_context', 'upcoming_team_game_context']);
    const glob = await cli('ls', 'tables', 'nba_raw.nbac_*_boxscore*', '--json');
    assert.deepEqual(JSON.parse(glob.out).tables.map((t: { name: string }) => t.name).sort(), ['nba_raw.nbac_player_boxscores', 'nba_raw.nbac_team_boxscore']);
    const writes = await cli('ls', 'tables', '--writes', 'player_game_summary', '--json');
    assert.deepEqual(JSON.parse(writes.out).tables.map((t: { name: string }) => t.name), ['nba_analytics.player_game_summary']);
    const none = await cli('ls', 'gates', 'nothing_like_this');
    assert.equal(none.out, 'gates (0): none match');
  });

  it('answers bad arguments with one line, exit 2 and a did-you-mean', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ls', 'tabels'], /"tabels" is not something to list \(did you mean tables\?\)/],
      [['ls', 'processors', '--phase', 'analytic'], /--phase "analytic" is not a phase \(did you mean analytics\?\)/],
      [['ls', '--reads', 'nba_raw.nbac_schedul'], /did you mean nba_raw\.nbac_schedule\?/],
      [['schedule', 'list', '--next', '0'], /--next "0" is not a whole number between 1 and 100/],
      [['schedule', 'list', '--at', 'tomorrow'], /--at "tomorrow" is not a time/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.err.split('\n').length, 1);
    }
  });
});

describe('pipeline schedule list', () => {
  it("gives next fires in the pipeline's time zone, across time zones and a DST change", async () => {
    // 2025-11-01 12:00Z: the US leave daylight saving time on 2025-11-02.
    const r = await cli('schedule', 'list', '--next', '2', '--at', '2025-11-01T12:00:00Z', '--json');
    assert.equal(r.code, 0, r.err);
    const byName = Object.fromEntries((JSON.parse(r.out) as Array<{ name: string; next: Array<{ at: string; local: string; partition: string }> }>).map((s) => [s.name, s.next]));
    // 06:00 in Los Angeles is 09:00 in New York, the pipeline's zone; EDT then EST.
    assert.deepEqual(byName.predictions_backup, [
      { at: '2025-11-01T13:00:00.000Z', local: '2025-11-01 09:00 America/New_York', partition: '2025-11-01' },
      { at: '2025-11-02T14:00:00.000Z', local: '2025-11-02 09:00 America/New_York', partition: '2025-11-02' },
    ]);
    // A postgame schedule runs yesterday's partition.
    assert.equal(byName.postgame_gamebooks![0]!.local, '2025-11-02 02:30 America/New_York');
    assert.equal(byName.postgame_gamebooks![0]!.partition, '2025-11-01');
    const text = await cli('schedule', 'list', '--at', '2025-11-01T12:00:00Z');
    assert.match(text.out, /^schedules of nba-props — next fires from 2025-11-01T12:00:00\.000Z, in America\/New_York/);
    assert.match(text.out, /predictions_backup {2}0 6 \* \* \* \(America\/Los_Angeles\) {2}→ processor player_points_predictions, partition today\n {6}2025-11-01 09:00 America\/New_York {2}runs 2025-11-01/);
  });
});
