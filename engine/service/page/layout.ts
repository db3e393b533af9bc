// The DAG of the status page, laid out once per plan with @dagrejs/dagre (a layered, left-to-right
// layout: writers before readers, edges routed between the layers). Phases are clusters around their
// processors and the tables they write; gates and stages sit between them. The browser only draws
// what this returns (positions and edge points), so the page needs no layout code or build step.
import dagre from '@dagrejs/dagre';
import { graphEdges, type GraphEdge, type GraphNode } from '../../spec/dag.js';
import type { Plan } from '../../spec/plan.js';

export interface LaidNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidEdge extends GraphEdge {
  points: Array<{ x: number; y: number }>;
}

export interface PhaseBox {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageGraph {
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
  phases: PhaseBox[];
}

/** Box sizes by kind: a label of this many characters fits (longer ones are cut with … by the page). */
const SIZE: Record<GraphNode['kind'], { width: number; height: number }> = {
  processor: { width: 210, height: 46 },
  table: { width: 200, height: 24 },
  collection: { width: 200, height: 24 },
  gate: { width: 170, height: 40 },
  stage: { width: 170, height: 40 },
};

/** Characters of a label that fit in a box of its kind (the page shows the whole name on hover). */
export const LABEL_CHARS: Record<GraphNode['kind'], number> = { processor: 28, table: 30, collection: 30, gate: 22, stage: 22 };

const cache = new WeakMap<Plan, PageGraph>();

export function pageGraph(plan: Plan): PageGraph {
  const hit = cache.get(plan);
  if (hit) return hit;
  const { nodes, edges } = graphEdges(plan);
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 40, edgesep: 6, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const phaseOf = new Map<string, string>();
  for (const n of nodes) if (n.phase) phaseOf.set(n.id, n.phase);
  // A table sits in the phase of the processor that writes it; external tables stand outside.
  for (const e of edges) if (e.kind === 'writes' && phaseOf.has(e.from)) phaseOf.set(e.to, phaseOf.get(e.from)!);
  for (const ph of plan.phases) g.setNode(`phase:${ph.name}`, { label: `${ph.number}. ${ph.name}`, clusterLabelPos: 'top', paddingTop: 24 });
  for (const n of nodes) {
    g.setNode(n.id, { ...SIZE[n.kind] });
    const ph = phaseOf.get(n.id);
    if (ph) g.setParent(n.id, `phase:${ph}`);
  }
  edges.forEach((e, i) => g.setEdge(e.from, e.to, { weight: e.kind === 'writes' ? 2 : 1 }, String(i)));
  dagre.layout(g);

  const laid: LaidNode[] = nodes.map((n) => {
    const v = g.node(n.id);
    return { ...n, phase: n.phase ?? phaseOf.get(n.id), x: v.x, y: v.y, width: v.width, height: v.height };
  });
  const laidEdges: LaidEdge[] = edges.map((e, i) => ({ ...e, points: (g.edge({ v: e.from, w: e.to, name: String(i) })?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) }));
  const phases: PhaseBox[] = plan.phases.filter((ph) => g.children(`phase:${ph.name}`)?.length).map((ph) => {
    const v = g.node(`phase:${ph.name}`);
    return { id: `phase:${ph.name}`, label: `${ph.number}. ${ph.name}`, x: v.x, y: v.y, width: v.width, height: v.height };
  });
  const graph = g.graph();
  const out: PageGraph = { width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), nodes: laid, edges: laidEdges, phases };
  cache.set(plan, out);
  return out;
}
