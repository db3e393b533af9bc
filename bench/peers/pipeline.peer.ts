// pipeline under the peer workloads: the embedded default (DuckDB state and warehouse, in-process bus)
// opened through openLocalEngine, as `pipeline run` does. The chain and the fan-in are the spec's own
// dependencies (reads of the upstream tables); nothing in the job code starts the next step. With
// `write`, every run writes one row, which the engine upserts into DuckDB before the next step starts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planFromText } from '../../engine/spec/index.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { defineUntypedProcessor, type DefinedProcessor } from '../../engine/runtime/processor.js';
import { Marks } from './marks.js';
import { CHAIN, DOWNSTREAM, NOOP, UPSTREAMS, type PeerSystem } from './workloads.js';

const TABLE = '{ columns: { day: { type: date }, k: { type: string }, v: { type: int64 } }, key: [k] }';

/** s1 → … → s6; u1…u5 → d; n alone. Every processor writes its own table. */
export function peerSpec(): string {
  const procs = [
    ...CHAIN.map((s, i) => `  ${s}: { phase: c${i + 1}, module: none.ts, writes: b.${s}${i ? `, reads: { b.${CHAIN[i - 1]}: { critical: true, min_rows: 0 } }` : ''} }`),
    ...UPSTREAMS.map((u) => `  ${u}: { phase: fu, module: none.ts, writes: b.${u} }`),
    `  ${DOWNSTREAM}: { phase: fd, module: none.ts, writes: b.${DOWNSTREAM}, reads: { ${UPSTREAMS.map((u) => `b.${u}: { critical: true, min_rows: 0 }`).join(', ')} } }`,
    `  ${NOOP}: { phase: nn, module: none.ts, writes: b.${NOOP} }`,
  ];
  const names = [...CHAIN, ...UPSTREAMS, DOWNSTREAM, NOOP];
  const phases = [...CHAIN.map((_, i) => `c${i + 1}`), 'fu', 'fd', 'nn'].map((p, i) => `  ${p}: { number: ${i + 1}, topic: peers-${p} }`);
  return [
    'version: 1', 'name: peers', 'partition: { key: day }', 'datasets:', '  b:', '    tables:',
    ...names.map((n) => `      ${n}: ${TABLE}`), 'phases:', ...phases, 'processors:', ...procs, '',
  ].join('\n');
}

export class PipelinePeer implements PeerSystem {
  private constructor(readonly name: string, readonly marks: Marks, private readonly local: LocalEngine, private readonly dir: string) {}

  static async open(opts: { write: boolean; name?: string }): Promise<PipelinePeer> {
    const r = planFromText(peerSpec(), 'peers.yaml', os.tmpdir(), { checkModules: false });
    if (!r.plan) throw new Error(`peer spec: ${JSON.stringify(r.diagnostics)}`);
    const marks = new Marks();
    const overrides: Record<string, DefinedProcessor> = {};
    let seq = 0;
    for (const name of r.plan.processors.keys()) {
      overrides[name] = defineUntypedProcessor(name, {
        run: (ctx) => marks.step(ctx.partition, name, () => {
          if (opts.write) ctx.write([{ k: 'a', v: ++seq }]);
        }),
      });
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-peers-'));
    const local = await openLocalEngine({ plan: r.plan, dir, executor: new ModuleExecutor({}, overrides), env: {} });
    return new PipelinePeer(opts.name ?? (opts.write ? 'pipeline, one-row write' : 'pipeline, no write'), marks, local, dir);
  }

  private async submit(processor: string, partitions: string[]): Promise<void> {
    const { engine } = this.local;
    await Promise.all(partitions.map((p) => engine.publishRequest(engine.request(processor, p, { reason: 'manual', source: 'cli' }))));
  }

  startChains(partitions: string[]): Promise<void> {
    return this.submit(CHAIN[0], partitions);
  }

  async startFanIns(groups: string[]): Promise<void> {
    for (let twice = 0; twice < 2; twice++) for (const u of UPSTREAMS) await this.submit(u, groups);
  }

  startNoops(partitions: string[]): Promise<void> {
    return this.submit(NOOP, partitions);
  }

  idle(): Promise<void> {
    return this.local.settle();
  }

  async close(): Promise<void> {
    await this.local.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
