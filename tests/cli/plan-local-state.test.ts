// `pipeline plan` starts from the real local state when it exists: after `pipeline run`, a request
// for an up-to-date processor plans as a duplicate, where an empty state plans it as not ready.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';
import { writeTinyProject } from '../support/tiny-project.js';

describe('pipeline plan over the local state', () => {
  it('reads the state `pipeline run` left, unless told not to', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-planlocal-'));
    const spec = writeTinyProject(dir);
    const cli = async (args: string[]) => {
      const io = bufferIO(dir, {});
      const code = await runCli(['-f', spec, ...args], io);
      return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
    };
    try {
      const run = await cli(['run', '--date', '2025-07-01']);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /transform\s+1\s+1/);
      const event = JSON.stringify({ event_type: 'run_requested', processor_name: 'totals', partition: '2025-07-01', correlation_id: 'c', parents: [], reason: 'manual', source: 'test' });
      const withState = await cli(['plan', '--event', event, '--topic', 'tiny-requests']);
      assert.equal(withState.code, 0, withState.err);
      assert.match(withState.out, /from the local state in \.pipeline\/local\.duckdb/);
      assert.match(withState.out, /totals\s+skip:duplicate\s+inputs unchanged/);
      const empty = await cli(['plan', '--event', event, '--topic', 'tiny-requests', '--no-local-state']);
      assert.match(empty.out, /from an empty state/);
      assert.match(empty.out, /totals\s+skip:not-ready\s+critical input raw\.events for 2025-07-01 has no data yet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
