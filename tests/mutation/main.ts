// `npm run mutate [-- TARGET... [--stryker-option value...]]`: StrykerJS over the engine, one target
// at a time. A target is a folder of tests/mutation/folders.json (engine/core, engine/spec...) or one
// file inside one (engine/core/scope.ts); none = every folder. Options starting with `--` go to
// `stryker run` as they are (`--concurrency 1`, `--force` to ignore the incremental file). Each
// target has its own incremental file and reports under reports/mutation/<target>/; the score of each
// is printed at the end, as TESTING.md records it. Not part of `npm test`: it takes minutes per folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'tests/mutation/folders.json'), 'utf8')) as Record<string, unknown>);

interface MutantResult {
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
}

/** Stryker's mutation score: detected (killed or timed out) over valid mutants (errors and ignored ones excluded). */
function score(mutants: MutantResult[]): { detected: number; valid: number; survived: number; noCoverage: number; percent: number } {
  const count = (...s: MutantResult['status'][]) => mutants.filter((m) => s.includes(m.status)).length;
  const detected = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = detected + survived + noCoverage;
  return { detected, valid, survived, noCoverage, percent: valid ? (100 * detected) / valid : 100 };
}

function main(argv: string[]): number {
  const options: string[] = [];
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      options.push(a);
      if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && !a.includes('=') && !['--force', '--dryRunOnly'].includes(a)) options.push(argv[++i]!);
    } else targets.push(a.replace(/\/+$/, ''));
  }
  for (const t of targets) {
    const inFolder = FOLDERS.some((f) => t === f || t.startsWith(`${f}/`));
    if (!inFolder || !existsSync(path.join(ROOT, t))) {
      process.stderr.write(`mutate: ${t} is not a folder of ${FOLDERS.join(', ')} or a file in one\n`);
      return 2;
    }
  }
  const summary: string[] = [];
  let failed = 0;
  for (const target of targets.length ? targets : FOLDERS) {
    const run = spawnSync(path.join(ROOT, 'node_modules/.bin/stryker'), ['run', ...options], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PIPELINE_MUTATE: target } });
    if (run.status !== 0) failed++;
    const report = path.join(ROOT, 'reports/mutation', target.replaceAll('/', '-'), 'mutation.json');
    if (run.status !== 0 || !existsSync(report)) {
      summary.push(`${target}: stryker exited ${run.status ?? run.signal}`);
      continue;
    }
    const files = (JSON.parse(readFileSync(report, 'utf8')) as { files: Record<string, { mutants: MutantResult[] }> }).files;
    const s = score(Object.values(files).flatMap((f) => f.mutants));
    summary.push(`${target}: ${s.percent.toFixed(2)}% (${s.detected}/${s.valid} detected; ${s.survived} survived, ${s.noCoverage} without coverage)`);
  }
  process.stdout.write(`\nmutation scores:\n${summary.map((l) => `  ${l}`).join('\n')}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
