// The harness's own small pipeline (world.ts) as a ChaosPipeline: sources over a world of values.
import os from 'node:os';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';
import type { ChaosPipeline, Story } from './pipeline.js';
import { apply, cloneWorld, makeScript, type Update } from './script.js';
import { CHAOS_SPEC, chaosProcessors, SOURCES, type World } from './world.js';

let cached: Plan | undefined;

export const small: ChaosPipeline = {
  name: 'small',
  clockStart: Date.parse('2025-06-02T12:00:00Z'),
  frozenClock: false,
  steps: 220,
  plan() {
    if (cached) return cached;
    const r = planFromText(CHAOS_SPEC, 'chaos.yaml', os.tmpdir(), { checkModules: false });
    if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
    return (cached = r.plan);
  },
  story(r) {
    const s = makeScript(r);
    return {
      partitions: s.partitions,
      data: s.initial,
      prepare: [],
      start: SOURCES.flatMap((src) => s.partitions.map((partition) => ({ processor: src, partition }))),
      updates: s.updates.map((u) => ({ label: `${u.source} ${JSON.stringify(u.changes)}`, partition: u.partition, late: u.late, change: u, requests: [{ processor: u.source, partition: u.partition }] })),
    } satisfies Story;
  },
  async open(story) {
    const world = cloneWorld(story.data as World);
    return { executor: new ModuleExecutor({}, chaosProcessors(world)), apply: (u) => apply(world, u.change as Update), close: async () => undefined };
  },
};
