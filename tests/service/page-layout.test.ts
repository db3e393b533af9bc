// The status page's DAG of the NBA reference pipeline, as dagre lays it out: every processor, gate,
// stage and table of the spec has a box, no two boxes overlap, each box sits inside the drawing, and
// every edge is routed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageGraph } from '../../engine/service/page/layout.js';
import { loadPlan } from '../../engine/spec/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the page layout of the NBA pipeline', () => {
  it('gives every node a box of its own inside the drawing and routes every edge', () => {
    const plan = loadPlan(path.join(ROOT, 'pipeline.yaml'), { checkModules: false }).plan!;
    const g = pageGraph(plan);
    const procs = g.nodes.filter((n) => n.kind === 'processor').map((n) => n.label).sort();
    assert.deepEqual(procs, [...plan.processors.keys()].sort());
    assert.ok(procs.length >= 35);
    for (const name of plan.gates.keys()) assert.ok(g.nodes.some((n) => n.id === `g:${name}`), name);
    for (const name of plan.stages.keys()) assert.ok(g.nodes.some((n) => n.id === `s:${name}`), name);
    for (const n of g.nodes) assert.ok(n.x - n.width / 2 >= 0 && n.y - n.height / 2 >= 0 && n.x + n.width / 2 <= g.width && n.y + n.height / 2 <= g.height, `${n.id} inside`);
    for (let i = 0; i < g.nodes.length; i++)
      for (let j = i + 1; j < g.nodes.length; j++) {
        const a = g.nodes[i]!, b = g.nodes[j]!;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        assert.ok(apart, `${a.id} overlaps ${b.id}`);
      }
    assert.ok(g.edges.every((e) => e.points.length >= 2), 'every edge routed');
    assert.equal(g.phases.length, plan.phases.length);
  });
});
