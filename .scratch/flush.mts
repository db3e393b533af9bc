import { PipelinePeer } from '../bench/peers/pipeline.peer.js';
import { chainSerial, Partitions } from '../bench/peers/workloads.js';
import { DuckDbStateStore } from '../engine/backends/local/state-store.js';
import { DuckDbWarehouse } from '../engine/backends/local/warehouse.js';
const times: Record<string, number[]> = {};
const wrap = (proto: any, name: string) => { const f = proto[name]; proto[name] = async function (...a: any[]) { const t = performance.now(); try { return await f.apply(this, a); } finally { (times[name] ??= []).push(performance.now() - t); } }; };
wrap(DuckDbStateStore.prototype, 'persist');
wrap(DuckDbWarehouse.prototype, 'persist');
const origPersist = DuckDbStateStore.prototype.persist;
let docs = 0, batches = 0;
DuckDbStateStore.prototype.persist = function (w: any, b: any) { const arr = [...w]; docs += arr.length; batches++; return origPersist.call(this, arr, b); };
const sys = await PipelinePeer.open({ write: true });
const parts = new Partitions();
const r = await chainSerial(sys, parts, 30);
console.log(JSON.stringify(r));
for (const [k, v] of Object.entries(times)) { v.sort((a, b) => a - b); console.log(k, v.length, 'p50', v[v.length >> 1].toFixed(2), 'sum', v.reduce((a, b) => a + b, 0).toFixed(0)); }
console.log('docs/batch', (docs / batches).toFixed(1));
await sys.close();
