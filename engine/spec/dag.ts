// The DAG as data: nodes (processors, the tables and collections between them, gates, stages) and
// edges derived from the Plan. `pipeline graph` renders it as text; the status page lays it out.
import type { Plan } from './plan.js';

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
