// The DAG's mermaid / dot / json renderings (the nodes and edges are engine/spec/dag.ts's).
import type { GraphEdge, GraphNode } from '../../spec/dag.js';
import type { Plan } from '../../spec/plan.js';

export { graphEdges, type GraphEdge, type GraphNode } from '../../spec/dag.js';

export type GraphFormat = 'mermaid' | 'dot' | 'json';

const nid = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

export function renderGraph(plan: Plan, g: { nodes: GraphNode[]; edges: GraphEdge[] }, format: GraphFormat): string {
  if (format === 'json') return JSON.stringify({ pipeline: plan.name, specHash: plan.specHash, ...g }, null, 2);
  if (format === 'dot') {
    const shape = { processor: 'box', table: 'cylinder', collection: 'folder', gate: 'diamond', stage: 'hexagon' } as const;
    const lines = [`digraph "${plan.name}" {`, '  rankdir=LR;'];
    for (const n of g.nodes) lines.push(`  ${nid(n.id)} [label="${n.label}", shape=${shape[n.kind]}];`);
    for (const e of g.edges) lines.push(`  ${nid(e.from)} -> ${nid(e.to)}${e.kind === 'reads' ? ' [style=dashed]' : e.kind === 'member' || e.kind === 'fires' || e.kind === 'level' ? ` [label="${e.kind}"]` : ''};`);
    lines.push('}');
    return lines.join('\n');
  }
  const lines = ['flowchart LR'];
  const byPhase = new Map<string, GraphNode[]>();
  for (const n of g.nodes) if (n.phase) byPhase.set(n.phase, [...(byPhase.get(n.phase) ?? []), n]);
  const open = { processor: '[', table: '[(', collection: '[/', gate: '{', stage: '{{' } as const;
  const close = { processor: ']', table: ')]', collection: '/]', gate: '}', stage: '}}' } as const;
  const decl = (n: GraphNode) => `${nid(n.id)}${open[n.kind]}"${n.label}"${close[n.kind]}`;
  for (const ph of plan.phases) {
    const ns = byPhase.get(ph.name);
    if (!ns) continue;
    lines.push(`  subgraph ${nid(`phase_${ph.name}`)}["${ph.number}. ${ph.name}"]`);
    for (const n of ns) lines.push(`    ${decl(n)}`);
    lines.push('  end');
  }
  for (const n of g.nodes) if (!n.phase) lines.push(`  ${decl(n)}`);
  const arrow = { writes: '-->', reads: '-.->', triggers: '==>', member: '-->', fires: '==>', level: '-->' } as const;
  for (const e of g.edges) lines.push(`  ${nid(e.from)} ${arrow[e.kind]}${e.kind === 'fires' || e.kind === 'member' ? `|${e.kind}|` : ''} ${nid(e.to)}`);
  return lines.join('\n');
}
