import { PipelinePeer } from '../bench/peers/pipeline.peer.js';
import { chainSerial, Partitions } from '../bench/peers/workloads.js';
const sys = await PipelinePeer.open({ write: true });
const parts = new Partitions();
await chainSerial(sys, parts, 3);
const r = await chainSerial(sys, parts, 30);
console.log(JSON.stringify(r).slice(0, 300));
await sys.close();
