// The Dockerfile keeps its promises where they can be checked without a container runtime: the base is
// an argument defaulting to the official Node 20 slim image; everything it copies exists and is not
// excluded by .dockerignore; the runtime stage installs production dependencies only — which hold no
// tsx or TypeScript — runs as a non-root user, and starts the compiled `serve` in exec form.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const IGNORED = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

interface Stage {
  name: string;
  lines: string[];
}

/** Instructions (comments dropped, continuations joined), grouped by stage. */
function stages(): Stage[] {
  const out: Stage[] = [];
  const text = DOCKERFILE.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n').replace(/\\\n\s*/g, ' ');
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) out.push({ name: from[1]!, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('the Dockerfile', () => {
  it('takes its base as an argument, the official Node 20 slim image by default, for every stage', () => {
    assert.match(DOCKERFILE, /^ARG NODE_IMAGE=node:20-slim$/m);
    const froms = DOCKERFILE.split('\n').filter((l) => /^FROM /.test(l));
    assert.ok(froms.length >= 2, 'multi-stage');
    for (const f of froms) assert.match(f, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const sources = stages().flatMap((s) => s.lines).filter((l) => /^COPY /.test(l) && !/--from=/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.ok(sources.length > 5);
    for (const src of sources) {
      assert.ok(existsSync(path.join(ROOT, src)), `${src} exists`);
      assert.ok(!IGNORED.some((pattern) => pattern === src || pattern === src.split('/')[0]), `${src} is not ignored`);
    }
  });

  it('builds with every dependency and compiles with tsc (npm run build)', () => {
    const build = stages().find((s) => s.name === 'build')!;
    assert.ok(build.lines.includes('RUN npm ci --no-audit --no-fund'));
    assert.ok(build.lines.includes('RUN npm run build'));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.build, 'node scripts/build.mjs');
  });

  it('runs on production dependencies only, none of which is tsx or TypeScript', () => {
    const deps = stages().find((s) => s.name === 'deps')!;
    assert.ok(deps.lines.some((l) => /^RUN npm ci --omit=dev\b/.test(l)));
    const runtime = stages().at(-1)!;
    assert.ok(runtime.lines.includes('COPY --from=deps /app/node_modules ./node_modules'));
    assert.ok(!runtime.lines.some((l) => /--from=build \/app\/node_modules/.test(l)), 'no build-stage node_modules');
    // What `npm ci --omit=dev` installs: the lockfile's production tree.
    const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
    const prod = ls.stdout.split('\n').filter(Boolean).map((p) => path.relative(path.join(ROOT, 'node_modules'), p));
    assert.ok(prod.some((p) => p === 'fastify'), `npm ls lists the production tree: ${ls.stderr}`);
    assert.deepEqual(prod.filter((p) => /(^|\/)(tsx|typescript|esbuild)$/.test(p)), []);
  });

  it('runs as a non-root user and starts the compiled serve in exec form', () => {
    const runtime = stages().at(-1)!;
    const user = runtime.lines.find((l) => l.startsWith('USER '));
    assert.ok(user && !/^USER (root|0)(:|$)/.test(user), user);
    assert.ok(runtime.lines.indexOf(user!) < runtime.lines.findIndex((l) => l.startsWith('CMD ')));
    assert.ok(runtime.lines.includes('CMD ["node", "--enable-source-maps", "dist/engine/cli/main.js", "serve"]'));
    assert.ok(runtime.lines.some((l) => l.includes('PIPELINE_SPEC=/app/dist/pipeline.yaml')), 'the spec beside its compiled processors');
  });
});
