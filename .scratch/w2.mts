import { rmSync } from 'node:fs';
import os from 'node:os';
import { DuckDbWarehouse } from '../engine/backends/local/warehouse.js';
import { planFromText } from '../engine/spec/index.js';
import { peerSpec } from '../bench/peers/pipeline.peer.js';
rmSync('.scratch/y.db', { force: true }); rmSync('.scratch/y.db.wal', { force: true });
const plan = planFromText(peerSpec(), 'peers.yaml', os.tmpdir(), { checkModules: false }).plan!;
const w = await DuckDbWarehouse.open('.scratch/y.db');
await w.ensureTables(plan);
const t = plan.assets.get('b.s1') as any;
const N = 100;
for (const mode of ['upsert', 'replace'] as const) {
  let t0 = performance.now();
  for (let i = 0; i < N; i++) await w.write(t, { partition: '2025-01-01', rows: [{ k: 'a', v: i }], mode } as any);
  console.log(mode, 'write ms', ((performance.now() - t0) / N).toFixed(2));
}
let t0 = performance.now();
for (let i = 0; i < N; i++) await w.read(t, { partitions: ['2025-01-01'] });
console.log('read ms', ((performance.now() - t0) / N).toFixed(2));
t0 = performance.now();
for (let i = 0; i < N; i++) await w.stats(t, '2025-01-01');
console.log('stats ms', ((performance.now() - t0) / N).toFixed(2));
