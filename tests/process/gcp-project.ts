// A small pipeline as a project on disk for `pipeline serve --backend gcp` child processes: a source
// (`scrape`) writes raw.events; `left` and `right` read it; the gate `both` waits for them and fires
// `final`. Every processor module appends `start NAME PID` and `end NAME PID` to a trace file, so the
// test counts executions across processes. `left` blocks on its FIRST execution anywhere (it creates
// a claim file exclusively, writes its pid to it, and waits a minute), so a test can find the process
// running it and kill it mid-run; every later execution runs straight through.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requestTopic } from '../../engine/infra/topology.js';
import { planFromText } from '../../engine/spec/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin/pipeline.js');
const API = pathToFileURL(path.join(ROOT, 'engine/runtime/processor.ts')).href;

export const HEAL_SPEC = `
version: 1
name: heal
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 200ms, max_backoff: 1s }
entities:
  item: {}
datasets:
  raw:
    tables:
      events:
        columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }
        key: [item]
  mart:
    tables:
      left:
        columns: { day: { type: date }, item: { type: string }, total: { type: int64 } }
        key: [item]
      right:
        columns: { day: { type: date }, item: { type: string }, total: { type: int64 } }
        key: [item]
      final:
        columns: { day: { type: date }, items: { type: int64 } }
        key: [day]
phases:
  ingest: { number: 1, topic: heal-ingest }
  transform: { number: 2, topic: heal-transform }
  publish: { number: 3, topic: heal-publish }
processors:
  scrape: { phase: ingest, module: p/scrape.ts, writes: raw.events }
  left:
    phase: transform
    module: p/left.ts
    writes: mart.left
    reads: { raw.events: { critical: true } }
  right:
    phase: transform
    module: p/right.ts
    writes: mart.right
    reads: { raw.events: { critical: true } }
  final:
    phase: publish
    module: p/final.ts
    writes: mart.final
    reads: { mart.left: { critical: true }, mart.right: { critical: true } }
gates:
  both:
    wait_for: [left, right]
    fires: [final]
`;

export const HEAL_PLAN = planFromText(HEAL_SPEC, 'heal.yaml', os.tmpdir(), { checkModules: false }).plan!;
/** The phase topics: ingest, transform, publish. */
export const HEAL_TOPICS = HEAL_PLAN.phases.map((p) => p.topic);
/** The engine's request topic (reruns, gate fires, manual triggers). */
export const HEAL_REQUESTS = requestTopic(HEAL_PLAN);
/** The one partition the tests trigger. */
export const HEAL_DAY = '2025-06-01';

const ROWS: Record<string, string> = {
  scrape: `[{ item: 'a', value: 1 }, { item: 'b', value: 2 }]`,
  left: `[{ item: 'a', total: 10 }, { item: 'b', total: 20 }]`,
  right: `[{ item: 'a', total: 100 }, { item: 'b', total: 200 }]`,
  final: `[{ items: 2 }]`,
};

function moduleText(name: string): string {
  const block = name !== 'left' ? '' : `
    let first = false;
    try { fs.writeFileSync(path.join(dir, 'left.claim'), String(process.pid), { flag: 'wx' }); first = true; } catch {}
    if (first) await new Promise((r) => setTimeout(r, 60_000));`;
  return `import fs from 'node:fs';
import path from 'node:path';
import { defineUntypedProcessor } from '${API}';
export default defineUntypedProcessor('${name}', {
  async run(ctx: any) {
    const dir = process.env.HEAL_DIR!;
    fs.appendFileSync(path.join(dir, 'trace.log'), 'start ${name} ' + process.pid + '\\n');${block}
    ctx.write(${ROWS[name]});
    fs.appendFileSync(path.join(dir, 'trace.log'), 'end ${name} ' + process.pid + '\\n');
  },
});
`;
}

/** Writes the project into `dir` and returns the spec's path. */
export function writeHealProject(dir: string): string {
  mkdirSync(path.join(dir, 'p'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const name of Object.keys(ROWS)) writeFileSync(path.join(dir, 'p', `${name}.ts`), moduleText(name));
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, HEAL_SPEC);
  return file;
}
