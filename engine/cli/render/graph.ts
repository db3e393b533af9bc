// The DAG as data (nodes and edges derived from the Plan) and its mermaid / dot / json renderings.
import type { Plan } from '../../spec/plan.js';

export type GraphFormat = 'mermaid' | 'dot' | 'json';

export interface GraphNode {
  id: string;
  label: string;
  kind: 'processor' | 'table' | 'collection' | 'gate' | 'stage';
  phase?: string;
}
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'writes' | 'reads' | 'triggers' | 'member' | 'fires' | 'level';
}

const nid = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

export function graphEdges(plan: Plan, phase?: string): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const inPhase = (p: string) => !phase || plan.processors.get(p)!.phase === phase;
  const asset = (ref: string) => nodes.set(`a:${ref}`, { id: `a:${ref}`, label: ref, kind: ref.includes('/') ? 'collection' : 'table' });
  for (const p of plan.processors.values()) {
    if (!inPhase(p.name)) continue;
    nodes.set(`p:${p.name}`, { id: `p:${p.name}`, label: p.name, kind: 'processor', phase: p.phase });
    for (const o of p.outputs) {
      asset(o);
      edges.push({ from: `p:${p.name}`, to: `a:${o}`, kind: 'writes' });
    }
    for (const r of p.reads) {
      asset(r.asset);
      edges.push({ from: `a:${r.asset}`, to: `p:${p.name}`, kind: r.trigger ? 'triggers' : 'reads' });
    }
  }
  for (const g of plan.gates.values()) {
    const members = g.members.filter(inPhase);
    const targets = g.fires.filter((t) => t.kind !== 'processor' || inPhase(t.name));
    if (!members.length && !targets.length) continue;
    nodes.set(`g:${g.name}`, { id: `g:${g.name}`, label: `gate ${g.name}`, kind: 'gate' });
    for (const m of members) edges.push({ from: `p:${m}`, to: `g:${g.name}`, kind: 'member' });
    for (const t of targets) edges.push({ from: `g:${g.name}`, to: `${t.kind === 'stage' ? 's' : t.kind === 'gate' ? 'g' : 'p'}:${t.name}`, kind: 'fires' });
  }
  for (const s of plan.stages.values()) {
    if (!s.levels.flat().some(inPhase)) continue;
    nodes.set(`s:${s.name}`, { id: `s:${s.name}`, label: `stage ${s.name}`, kind: 'stage' });
    s.levels.forEach((lvl, i) => lvl.filter(inPhase).forEach((m) => edges.push({ from: `s:${s.name}`, to: `p:${m}`, kind: 'level' as const, ...{ label: `L${i + 1}` } })));
  }
  return { nodes: [...nodes.values()], edges };
}

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
