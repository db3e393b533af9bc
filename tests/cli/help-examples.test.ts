// Help examples come from the spec the command would load: the NBA pipeline's names for its spec,
// the shop's for the shop's, placeholders when there is no spec — and every command that takes a
// name shows one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOP = 'tests/fixtures/shop/pipeline.yaml';

async function help(args: string[], cwd = ROOT) {
  const io = bufferIO(cwd, {});
  const code = await runCli([...args, '--help'], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  return io.stdout.join('\n');
}

const COMMANDS = [['run'], ['backfill'], ['plan'], ['explain'], ['status'], ['graph'], ['replay'], ['schedule', 'run'], ['dlq', 'list'], ['dlq', 'replay'], ['trace'], ['reconcile'], ['validate'], ['codegen'], ['source', 'start'], ['infra', 'apply'], ['infra', 'diff'], ['serve']];

describe('help examples', () => {
  it('name the loaded pipeline\'s processors, tables, phases and schedules', async () => {
    assert.match(await help(['-f', SHOP, 'run']), /\$ pipeline run --date \S+ --processors fetch_pos_orders --force/);
    assert.match(await help(['-f', SHOP, 'plan']), /\$ pipeline plan --table shop\.orders --date /);
    assert.match(await help(['-f', SHOP, 'explain']), /\$ pipeline explain load_orders --date /);
    assert.match(await help(['-f', SHOP, 'schedule', 'run']), /\$ pipeline schedule run nightly_export --at /);
    assert.match(await help(['-f', SHOP, 'backfill']), /--stop-after clean/);
    assert.match(await help(['run']), /--processors scrape_\w+ --force/, 'the NBA spec in the current folder');
  });

  it('show no other pipeline\'s names', async () => {
    for (const c of COMMANDS) assert.doesNotMatch(await help(['-f', SHOP, ...c]), /nba|scrape_|player_|game_date/i, c.join(' '));
  });

  it('fall back to placeholders without a spec', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'pipeline-help-'));
    try {
      assert.match(await help(['explain'], empty), /\$ pipeline explain PROCESSOR --date /);
      assert.match(await help(['plan'], empty), /--table dataset\.table/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('are given by every command', async () => {
    for (const c of COMMANDS) assert.match(await help(['-f', SHOP, ...c]), /\nExamples:\n {2}\$ (\S+=\S+ )?pipeline /, c.join(' '));
  });
});
