// StrykerJS mutation testing (TESTING.md § Mutation testing). Run it through `npm run mutate`
// (tests/mutation/main.ts), one folder at a time: PIPELINE_MUTATE names the folder, whose mutants are
// tested against the unit tests of its layer (tests/mutation/folders.json) — the level where the
// behaviour lives, and small enough for 2 shared cores. Each folder keeps its own incremental file
// and reports under reports/mutation/ (gitignored), so a rerun only re-tests what changed.
//
// The tap runner runs each test file as its own `node --import tsx` process (node:test prints TAP when
// its output is not a terminal); with perTest coverage a mutant runs only the files that reach it.
import { readFileSync } from 'node:fs';

const FOLDERS = JSON.parse(readFileSync(new URL('./tests/mutation/folders.json', import.meta.url), 'utf8'));
// A folder, or one file of a folder (its mutants, the folder's tests, its own incremental file).
const target = (process.env.PIPELINE_MUTATE ?? 'engine/core').replace(/\/+$/, '');
const folder = Object.keys(FOLDERS).find((f) => target === f || target.startsWith(`${f}/`));
if (!folder) throw new Error(`PIPELINE_MUTATE=${target}: not in a mutation-tested folder (${Object.keys(FOLDERS).join(', ')})`);
const testFiles = FOLDERS[folder].tests;
const slug = target.replaceAll('/', '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  tap: { testFiles, nodeArgs: ['--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'], forceBail: true },
  coverageAnalysis: 'perTest',
  mutate: [target === folder ? `${folder}/**/*.ts` : target],
  incremental: true,
  incrementalFile: `reports/mutation/${slug}/incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${slug}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${slug}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  // 2 shared cores: two test processes at a time by default (`npm run mutate -- engine/core --concurrency 1`).
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // Stryker rewrites tsconfig `extends`/`references` through TypeScript's JS API, which TypeScript 7
  // no longer has; ours has neither, so point the rewrite at no file (the sandbox keeps tsconfig.json).
  tsconfigFile: 'tsconfig.not-rewritten.json',
  ignorePatterns: ['/.pipeline', '/reports', '/tmp', '/scratch', '/.stryker-tmp', 'tests/codegen/.tmp-*'],
};
