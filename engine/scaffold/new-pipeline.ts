// `pipeline new pipeline DIR`: a pipeline of its own in a folder, runnable at once. A spec with one
// source (fetch_readings, over a deterministic sample service the local commands start), one
// processor loading what it fetched into a table, a schedule, and a test; a package.json that
// depends on this engine (linked into node_modules/pipeline, as `npm install` of a file: dependency
// does) and a tsconfig, so processors import `pipeline/processor` as they would from npm.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaffoldError } from './new-processor.js';

/** The engine's folder (the package the pipeline depends on). */
const ENGINE_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

const posix = (p: string) => p.split(path.sep).join('/');

/** The pipeline's name from its folder: lower-case, dashes, starting with a letter. */
export function pipelineName(dir: string): string {
  const base = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  if (!base) throw new ScaffoldError(`cannot name a pipeline after the folder ${JSON.stringify(path.basename(dir))}`, 'a folder whose name starts with a letter (e.g. my-pipeline)');
  return base;
}

function spec(name: string, dataset: string, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# ${name}: a pipeline of its own on the pipeline engine, started by \`pipeline new pipeline\`.
# One source (fetch_readings, over the sample service of local.services) → objects/readings →
# ${dataset}.readings. Add a processor with
#   npx pipeline new processor NAME --phase report --reads ${dataset}.readings --writes ${dataset}.NEW_TABLE
version: 1
name: ${name}
description: TODO what this pipeline computes, for whom.

partition:
  key: event_date
  timezone: UTC

entities:
  sensor: { description: "A sensor, by its id." }

buckets:
  landing: { name: ${name}-landing, description: Raw JSON as fetched. }

objects:
  readings: { bucket: landing, path: "readings/{date}/{ts}.json", description: The day's readings as fetched. }

datasets:
  ${dataset}:
    description: Loaded data.
    tables:
      readings:
        description: One row per reading.
        columns:
          event_date: { type: date }
          reading_id: { type: string }
          sensor: { type: string, nullable: false }
          value: { type: float64, nullable: false }
        key: [reading_id]
        entities: { sensor: sensor }

phases:
  ingest: { number: 1, topic: ${name}-ingest-complete, description: Fetch the source. }
  load: { number: 2, topic: ${name}-load-complete, description: Load what was fetched into tables. }
  report: { number: 3, topic: ${name}-report-complete, description: What people read. }

processors:
  fetch_readings:
    phase: ingest
    module: processors/ingest/fetch_readings.ts
    description: The day's readings from the source (READINGS_BASE_URL).
    writes: objects/readings
  load_readings:
    phase: load
    module: processors/load/load_readings.ts
    description: The latest fetch of the day, one row per reading.
    writes: ${dataset}.readings
    scopes: [sensor]
    reads:
      objects/readings: { critical: true }

schedules:
  daily_fetch:
    description: Yesterday's readings, once the day is over.
    cron: "0 6 * * *"
    timezone: UTC
    target: fetch_readings
    partition: yesterday

# Local runs only: the sample source. \`pipeline run\` starts it for the command, or uses the one
# \`pipeline source start\` left running.
local:
  services:
    sample_readings:
      module: sample-source.ts
      env: READINGS_BASE_URL
      description: Deterministic sample readings of three sensors on 127.0.0.1.
`;
}

const SOURCE = `// The sample source: GET /readings?date=YYYY-MM-DD answers the day's readings of three sensors, the
// same every time for a date (a hash of the date), so runs are reproducible. Replace it with your real
// source's URL in READINGS_BASE_URL; the local commands start this one when that is unset.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineLocalService } from 'pipeline/local-service';

export const SENSORS = ['north', 'south', 'west'] as const;

export interface Reading {
  id: string;
  sensor: string;
  value: number;
}

const unit = (seed: string) => createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;

export function readingsOf(date: string): Reading[] {
  return SENSORS.flatMap((sensor) => [1, 2, 3, 4].map((i) => ({
    id: \`\${sensor}-\${date}-\${i}\`,
    sensor,
    value: Math.round(unit(\`\${date}|\${sensor}|\${i}\`) * 1000) / 10,
  })));
}

export default defineLocalService({
  async start({ port }) {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const date = url.searchParams.get('date') ?? '';
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname !== '/readings') return send(404, { error: \`no route \${url.pathname}\` });
      if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(date)) return send(400, { error: 'date=YYYY-MM-DD is required' });
      send(200, { date, fetched_at: \`\${date}T23:59:00Z\`, readings: readingsOf(date) });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return {
      url: \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
`;

const FETCH = `// Phase 1: the day's readings from the source (READINGS_BASE_URL) → objects/readings, named after the
// source's own fetch time, so an unchanged re-fetch writes the same object and cascades nowhere.
import { defineProcessor, NonRetryableError } from 'pipeline/processor';

interface Fetched {
  date: string;
  fetched_at: string;
  readings: unknown[];
}

export default defineProcessor('fetch_readings', {
  async run(ctx) {
    const base = ctx.env('READINGS_BASE_URL');
    if (!base) throw new NonRetryableError('READINGS_BASE_URL is not set: the URL of the readings source');
    const body = await ctx.fetchJson<Fetched>(\`\${base}/readings?date=\${ctx.partition}\`);
    const ts = body.fetched_at.replace(/[^0-9]/g, '').slice(0, 14);
    await ctx.putObject('objects/readings', \`readings/\${ctx.partition}/\${ts}.json\`, body);
    ctx.log.info(\`\${body.readings.length} readings fetched for \${ctx.partition}\`);
  },
});
`;

const LOAD = (dataset: string) => `// Phase 2: the latest fetch of the day → ${dataset}.readings, one row per reading. Scoped by sensor: a
// correction to one sensor's readings rewrites that sensor's rows only.
import { defineProcessor, SourceFormatError } from 'pipeline/processor';

interface Reading {
  id: string;
  sensor: string;
  value: number;
}

export default defineProcessor('load_readings', {
  async run(ctx) {
    const fetched = await ctx.readObjects('objects/readings');
    const latest = fetched.sort((a, b) => (a.path < b.path ? -1 : 1)).at(-1);
    if (!latest) return ctx.write([]);
    const { readings } = latest.json<{ readings?: Reading[] }>();
    if (!Array.isArray(readings)) throw new SourceFormatError(\`\${latest.path} holds no readings list\`);
    const inScope = (sensor: string) => !ctx.scope || ctx.scope.ids.includes(sensor);
    ctx.write(readings.filter((r) => inScope(r.sensor)).map((r) => ({ reading_id: r.id, sensor: r.sensor, value: r.value })));
  },
});
`;

const TEST = `// The pipeline's processors on given inputs, through pipeline/testing: the engine's executor and
// context on in-memory backends, so undeclared reads and rows that do not fit the table fail here too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runProcessor } from 'pipeline/testing';
import { readingsOf } from '../sample-source.js';

const SPEC = new URL('../pipeline.yaml', import.meta.url);
const DAY = '2025-03-01';

describe('load_readings', () => {
  it('loads the latest fetch of the day, one row per reading', async () => {
    const older = { readings: [{ id: 'north-1', sensor: 'north', value: 1 }] };
    const latest = { readings: readingsOf(DAY) };
    const out = await runProcessor(SPEC, 'load_readings', {
      partition: DAY,
      objects: { 'objects/readings': { [\`readings/\${DAY}/20250301220000.json\`]: older, [\`readings/\${DAY}/20250301235900.json\`]: latest } },
    });
    assert.equal(out.rows.length, readingsOf(DAY).length);
    assert.deepEqual(new Set(out.rows.map((r) => r.sensor)), new Set(['north', 'south', 'west']));
  });

  it('covers only the sensors of its scope', async () => {
    const out = await runProcessor(SPEC, 'load_readings', {
      partition: DAY,
      objects: { 'objects/readings': { [\`readings/\${DAY}/1.json\`]: { readings: readingsOf(DAY) } } },
      scope: { kind: 'sensor', ids: ['west'] },
    });
    assert.deepEqual([...new Set(out.rows.map((r) => r.sensor))], ['west']);
  });
});
`;

/** The engine's own versions of tsx and typescript. */
function devTools(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(ENGINE_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  return Object.fromEntries(['tsx', 'typescript', '@types/node'].filter((n) => all[n]).map((n) => [n, all[n]!]));
}

export interface NewPipelineResult {
  dir: string;
  name: string;
  written: string[];
}

/** Writes the pipeline's files into `dir` (new or empty); codegen is the command's. */
export function scaffoldPipeline(abs: string, shown = abs): NewPipelineResult {
  if (existsSync(abs) && readdirSync(abs).length) throw new ScaffoldError(`${shown} exists and is not empty`, 'pipeline new pipeline DIR with a new or empty folder');
  const name = pipelineName(abs);
  const dataset = name.replace(/-/g, '_');
  const engine = posix(path.relative(abs, ENGINE_ROOT)) || '.';
  const files: Record<string, string> = {
    'pipeline.yaml': spec(name, dataset, `${engine}/schema/pipeline.schema.json`),
    'sample-source.ts': SOURCE,
    'processors/ingest/fetch_readings.ts': FETCH,
    'processors/load/load_readings.ts': LOAD(dataset),
    'tests/processors.test.ts': TEST,
    'package.json': `${JSON.stringify({
      name, private: true, type: 'module',
      scripts: { validate: 'pipeline validate', run: 'pipeline run', codegen: 'pipeline codegen', test: 'node --import tsx --test tests/*.test.ts', typecheck: 'tsc --noEmit' },
      dependencies: { pipeline: `file:${engine}` },
      // For the tests and tsc in this folder after `npm install`; run, validate and codegen need none.
      devDependencies: devTools(),
    }, null, 2)}\n`,
    // The engine's compiler settings; the types of node come from the engine's install.
    'tsconfig.json': `${JSON.stringify({
      extends: `${engine}/tsconfig.json`,
      compilerOptions: { typeRoots: [`${engine}/node_modules/@types`] },
      include: ['processors', 'generated', 'tests', 'sample-source.ts'],
      exclude: [],
    }, null, 2)}\n`,
    '.gitignore': '.pipeline/\nnode_modules/\n',
  };
  for (const [f, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(abs, f)), { recursive: true });
    writeFileSync(path.join(abs, f), body);
  }
  // What `npm install` does for a file: dependency: a link to the engine's folder, and its binary.
  mkdirSync(path.join(abs, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ENGINE_ROOT, path.join(abs, 'node_modules', 'pipeline'), 'dir');
  symlinkSync(path.join('..', 'pipeline', 'bin', 'pipeline.js'), path.join(abs, 'node_modules', '.bin', 'pipeline'));
  return { dir: abs, name, written: [...Object.keys(files), 'node_modules/pipeline', 'node_modules/.bin/pipeline'] };
}
