// docs/adding-a-processor.md, followed verbatim on a fresh copy of the repository: every `sh` block's
// commands run in order and must exit 0, every `file=` / `edit=` block is applied as written, and at
// the end the state shows the new processor succeeded for the guide's date. A drift in the guide (a
// flag renamed, a step missing, a module that no longer type-checks) breaks this test.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyBlock, failure, fencedBlocks, repoCopy, ROOT, sh, shellCommands, type Ran } from './docs-support.js';

const GUIDE = 'docs/adding-a-processor.md';

describe(`${GUIDE}, followed verbatim`, () => {
  let tmp: string;
  let repo: string;
  const ran: Ran[] = [];
  before(() => ({ tmp, repo } = repoCopy('pipeline-guide-')));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const blocks = fencedBlocks(readFileSync(path.join(ROOT, GUIDE), 'utf8'));

  it('has the steps the guide promises: scaffold, validate, codegen, tsc, a dry run, a real run, explain, status', () => {
    const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => shellCommands(b.text));
    for (const step of [/^npx pipeline new processor \S+ --phase/, /^npx pipeline validate$/, /^npm run codegen$/, /^npx tsc --noEmit$/, /^npx pipeline plan /, /^npx pipeline run --date/, /^npx pipeline explain /, /^npx pipeline status /])
      assert.ok(commands.some((c) => step.test(c)), `no command matching ${step} in ${GUIDE}:\n${commands.join('\n')}`);
    for (const b of blocks) assert.ok(b.lang === 'sh' || b.attrs.file || b.attrs.edit, `${GUIDE}:${b.line}: a \`${b.lang}\` block neither run (sh) nor applied (file=/edit=)`);
  });

  it('runs every command of the guide in order, each exiting 0', async () => {
    for (const b of blocks) {
      if (b.lang !== 'sh') {
        applyBlock(repo, b);
        continue;
      }
      for (const command of shellCommands(b.text)) {
        const r = await sh(repo, command);
        ran.push(r);
        assert.equal(r.code, 0, `${GUIDE}:${b.line}: ${failure(r)}`);
      }
    }
  });

  it('ends with the new processor succeeded for the date, seen by explain and status', () => {
    const last = (prefix: string) => [...ran].reverse().find((r) => r.command.startsWith(prefix));
    const scaffold = last('npx pipeline new processor ')!;
    const name = scaffold.command.split(/\s+/)[4]!;
    const date = / --date (\S+)/.exec(last('npx pipeline status ')!.command)![1]!;
    assert.match(last('npx pipeline plan ')!.out, new RegExp(`${name}\\s+run\\s+triggered by`));
    const explain = last('npx pipeline explain ')!.out;
    assert.match(explain, new RegExp(`^${name} for ${date}:`));
    assert.match(explain, /run:succeeded/);
    assert.doesNotMatch(explain, /run:failed/);
    assert.match(last('npx pipeline status ')!.out, new RegExp(`\\n  ${name}\\s+succeeded\\s+\\d+ rows`));
    // The module the guide wrote is the one that ran: its rows carry the guide's columns.
    assert.match(readFileSync(path.join(repo, 'pipeline.yaml'), 'utf8'), /scoring_rank: \{ type: int64/);
  });
});
