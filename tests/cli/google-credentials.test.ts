// Commands that need Google Cloud, run without credentials (a real child process, HOME without a
// gcloud login): one line naming what to set, exit 1, never a google-auth stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = mkdtempSync(path.join(os.tmpdir(), 'pipeline-nocreds-'));

function pipeline(args: string[], extra: Record<string, string> = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, CLOUDSDK_CONFIG: path.join(home, 'gcloud'), ...extra };
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/pipeline.js'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('without Google credentials', () => {
  after(() => rmSync(home, { recursive: true, force: true }));

  const cases: Array<[string, string[], Record<string, string>]> = [
    ['infra diff --project', ['infra', 'diff', '--project', 'some-project', '--endpoint', 'https://service.example'], {}],
    ['infra diff with a key file that does not exist', ['infra', 'diff', '--project', 'some-project', '--endpoint', 'https://service.example'], { GOOGLE_APPLICATION_CREDENTIALS: path.join(home, 'missing-key.json') }],
    ['serve --backend gcp', ['serve', '--backend', 'gcp', '--allow-unauthenticated', '--port', '0'], {}],
    ['reconcile --backend gcp', ['reconcile', '--backend', 'gcp', '--project', 'some-project'], {}],
    ['reconcile --backend gcp with only some services on emulators', ['reconcile', '--backend', 'gcp', '--project', 'some-project'], { PUBSUB_EMULATOR_HOST: '127.0.0.1:9', FIRESTORE_EMULATOR_HOST: '127.0.0.1:9' }],
  ];
  for (const [story, args, env] of cases) {
    it(`${story}: one line naming what to set, exit 1`, () => {
      const r = pipeline(args, env);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^pipeline: .* needs Google credentials: .* — set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`$/);
      assert.doesNotMatch(r.stderr, /\n\s+at |googleauth\.js/);
    });
  }
});
