// Where an error came from: the stack cut to the pipeline's own frames — the engine's, node_modules'
// and Node's internal frames dropped — with paths relative to the spec's folder, file:// URLs (ES
// modules) read as paths, and the first kept frame as `file:line:col`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorLocation, errorText } from '../../engine/runtime/error-location.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function withStack(lines: string[]): Error {
  const e = new TypeError('boom');
  e.stack = ['TypeError: boom', ...lines.map((l) => `    at ${l}`)].join('\n');
  return e;
}

describe('errorLocation', () => {
  it('keeps the pipeline\'s frames only, innermost first, relative to the spec folder', () => {
    const e = withStack([
      `run (file://${ROOT}/processors/analytics/x.ts:12:5)`,
      `helper (${ROOT}/processors/shared/h.ts:3:9)`,
      `ModuleExecutor.execute (${ROOT}/engine/runtime/executor.ts:70:20)`,
      `async Promise.all (index 0)`,
      `Object.<anonymous> (${ROOT}/node_modules/tsx/dist/x.cjs:1:2)`,
      `process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
      `${ROOT}/processors/publishing/p.ts:7:1`,
    ]);
    const where = errorLocation(e, ROOT);
    assert.equal(where.at, 'processors/analytics/x.ts:12:5');
    assert.deepEqual(where.stack, ['run (processors/analytics/x.ts:12:5)', 'helper (processors/shared/h.ts:3:9)', 'processors/publishing/p.ts:7:1']);
    assert.equal(errorText(e.name, e.message, where.at), 'TypeError: boom at processors/analytics/x.ts:12:5');
  });

  it('says nothing when no frame is the pipeline\'s, or the thrown value is not an error', () => {
    assert.deepEqual(errorLocation(withStack([`checkRows (${ROOT}/engine/runtime/rows.ts:1:1)`]), ROOT), { at: undefined, stack: [] });
    assert.deepEqual(errorLocation('a string', ROOT), { at: undefined, stack: [] });
    assert.equal(errorText('Error', 'x'), 'Error: x');
  });

  it('keeps absolute paths outside the spec folder', () => {
    assert.equal(errorLocation(withStack(['run (/elsewhere/lib/x.ts:1:2)']), ROOT).at, '/elsewhere/lib/x.ts:1:2');
  });
});
