// Graph rules over the built plan: dependency cycles (named), level-order and phase-order violations,
// processors nothing can ever trigger, and gate members that can never complete.
// On a spec with errors the plan holds only what resolved (graph-spec.ts): leaving things out can hide
// a cycle or an order violation but never invent one, while "nothing writes / triggers this" could be
// a consequence of what was left out, so those verdicts ask the Recovery first.
import { Graph, alg } from '@dagrejs/graphlib';
import { assetPath } from './check-refs.js';
import { diagnostic, type Code, type Diagnostic } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import type { Plan, ProcessorPlan, SourcePos } from './plan.js';
import { Recovery } from './recover.js';

/** processor → processors reading its output for the same partition (the edges a cycle is made of). */
export function dependencyGraph(plan: Plan): Graph {
  const g: Graph = new Graph({ directed: true });
  for (const p of plan.processors.values()) g.setNode(p.name);
  for (const p of plan.processors.values()) {
    for (const r of p.reads) {
      if (r.window && !r.window.includeCurrent) continue; // history of earlier partitions is not a cycle
      const w = plan.writerOf.get(r.asset);
      if (w) g.setEdge(w, p.name);
    }
  }
  return g;
}

/** Processors something can set in motion: triggers, gates, stages, schedules, or the first phase. */
export function triggerable(plan: Plan): Map<string, string> {
  const why = new Map<string, string>();
  const firstPhase = plan.phases[0]?.name;
  const firedStages = new Set<string>();
  const fire = (kind: string, name: string, by: string) => {
    if (kind === 'processor') why.set(name, why.get(name) ?? by);
    if (kind === 'stage') firedStages.add(name);
  };
  for (const g of plan.gates.values()) for (const t of g.fires) fire(t.kind, t.name, `gate ${g.name}`);
  for (const s of plan.schedules.values()) {
    fire(s.target.kind, s.target.name, `schedule ${s.name}`);
    if (s.target.kind === 'gate') for (const p of processorsOfTarget(plan, 'gate', s.target.name)) fire('processor', p, `schedule ${s.name}`);
  }
  for (const st of firedStages) for (const lvl of plan.stages.get(st)?.levels ?? []) for (const m of lvl) why.set(m, why.get(m) ?? `stage ${st}`);
  for (const p of plan.processors.values()) {
    if (p.triggers.some((t) => plan.writerOf.has(t) || plan.assets.get(t)?.kind === 'table')) why.set(p.name, why.get(p.name) ?? 'triggers');
    if (p.phase === firstPhase) why.set(p.name, why.get(p.name) ?? 'first phase');
  }
  return why;
}

export function checkGraph(plan: Plan, src?: SourceMap, recovery = new Recovery()): Diagnostic[] {
  const out: Diagnostic[] = [];
  /** Whether something left out might have written this asset (a cut processor naming it, a cut declaration). */
  const writerMayBeMissing = (asset: string) => recovery.unresolvedWrites || recovery.mentions(asset) || recovery.touches(assetPath(asset));
  /** Whether something left out might have set this processor in motion. */
  const firingMayBeMissing = (name: string) =>
    recovery.doubts(name) || recovery.touches(['processors', name]) ||
    (plan.processors.get(name)?.reads ?? []).some((r) => recovery.mentions(r.asset) || (recovery.unresolvedWrites && !plan.writerOf.has(r.asset)));
  const add = (code: Code, at: SourcePos, message: string, hint?: string) => out.push(diagnostic(code, at, message, hint));
  // Positions: with the source map, at the offending key or item; without, at the processor or gate.
  const readAt = (p: ProcessorPlan, asset: string) => src?.at(['processors', p.name, 'reads', asset], { key: true }) ?? p.source;
  const processorAt = (p: ProcessorPlan) => src?.at(['processors', p.name], { key: true }) ?? p.source;
  const g = dependencyGraph(plan);

  for (const cycle of alg.findCycles(g)) {
    const names = [...cycle].reverse();
    const first = [...names].sort()[0]!;
    const start = names.indexOf(first);
    const ordered = [...names.slice(start), ...names.slice(0, start)];
    // Point at the read that closes the cycle: `first` reading the output of the cycle's last member.
    const p = plan.processors.get(first)!;
    const last = ordered[ordered.length - 1]!;
    const closing = p.reads.find((r) => plan.writerOf.get(r.asset) === last && (!r.window || r.window.includeCurrent));
    const self = ordered.length === 1;
    add('PIPE023', closing ? readAt(p, closing.asset) : processorAt(p),
      self ? `dependency cycle: \`${first}\` reads its own output \`${closing?.asset ?? p.output}\` for the same partition` : `dependency cycle: ${[...ordered, ordered[0]].join(' → ')}`,
      self ? 'read earlier partitions of its own output with a `window` (history), or remove the read'
        : `break the cycle: read the earlier partitions with a \`window\` (history), or remove one of the reads${closing ? ` (e.g. \`${closing.asset}\` here)` : ''}`);
  }

  // Reads of a table no processor writes and that is not external.
  for (const p of plan.processors.values()) {
    for (const r of p.reads) {
      const a = plan.assets.get(r.asset)!;
      if (!plan.writerOf.has(r.asset) && !(a.kind === 'table' && a.external) && !writerMayBeMissing(r.asset))
        add('PIPE015', readAt(p, r.asset), `processor \`${p.name}\` reads \`${r.asset}\`, which no processor writes`,
          a.kind === 'table' ? `add a processor that writes it, or mark the table \`external: true\` if it is loaded outside the pipeline` : 'add a processor that writes this collection');
      const w = plan.writerOf.get(r.asset);
      const sameSlice = !r.window || r.window.includeCurrent;
      if (!w || w === p.name || !sameSlice) continue;
      const wp = plan.processors.get(w)!;
      if (wp.phaseNumber > p.phaseNumber)
        add('PIPE044', readAt(p, r.asset), `\`${p.name}\` (phase ${p.phase}) reads \`${r.asset}\` for the same partition, written later by \`${w}\` (phase ${wp.phase})`,
          'a processor reads only from its own or earlier phases; move one of them, or read history with a `window`');
      if (p.stage && wp.stage && p.stage.name === wp.stage.name && wp.stage.level >= p.stage.level)
        add('PIPE017', readAt(p, r.asset), `\`${p.name}\` (stage ${p.stage.name}, level ${p.stage.level}) reads \`${r.asset}\`, the output of \`${w}\` at level ${wp.stage.level}`,
          `move \`${w}\` to an earlier level than \`${p.name}\`, or \`${p.name}\` to a later one`);
    }
  }

  const why = triggerable(plan);
  const members = new Set([...plan.gates.values()].flatMap((g) => g.members));
  for (const p of plan.processors.values()) {
    if (why.has(p.name) || members.has(p.name) || firingMayBeMissing(p.name)) continue;
    const windowOnly = p.reads.length > 0 && p.reads.every((r) => r.window && !r.window.includeCurrent);
    add('PIPE019', processorAt(p), `nothing can ever trigger processor \`${p.name}\`: it has no triggers${windowOnly ? ' (window reads do not trigger by default)' : ''}, and no gate, stage or schedule fires it`,
      'add `triggers:` (one of its reads), or fire it from a gate, stage or schedule');
  }

  // Gate members that can never complete: untriggerable, or downstream of the gate itself.
  for (const gate of plan.gates.values()) {
    const downstream = downstreamOf(plan, g, gate.fires.flatMap((t) => processorsOfTarget(plan, t.kind, t.name)));
    gate.members.forEach((m, i) => {
      const at = src?.at(['gates', gate.name, 'wait_for', i]) ?? gate.source;
      // A member missing from the plan is an unknown name or a processor left out: reported already.
      if (!plan.processors.has(m)) return;
      if (!why.has(m)) {
        if (!firingMayBeMissing(m))
          add('PIPE018', at, `gate \`${gate.name}\` waits for \`${m}\`, which nothing can ever trigger`, `give \`${m}\` triggers, or fire it from a schedule`);
      } else if (downstream.has(m))
        add('PIPE018', at, `gate \`${gate.name}\` waits for \`${m}\`, which only runs after the gate fires (it depends on the gate's targets)`, `remove \`${m}\` from wait_for`);
    });
  }
  return out;
}

/** Processors a target sets in motion; gates are expanded once each (a gate cycle cannot recurse forever). */
function processorsOfTarget(plan: Plan, kind: string, name: string, seen = new Set<string>()): string[] {
  if (kind === 'processor') return [name];
  if (kind === 'stage') return plan.stages.get(name)?.levels.flat() ?? [];
  if (kind === 'gate' && !seen.has(name)) {
    seen.add(name);
    return (plan.gates.get(name)?.fires ?? []).flatMap((t) => processorsOfTarget(plan, t.kind, t.name, seen));
  }
  return [];
}

function downstreamOf(plan: Plan, g: InstanceType<typeof Graph>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const s of (g.successors(n) as string[] | undefined) ?? []) stack.push(s);
    for (const gn of plan.gatesOf.get(n) ?? []) stack.push(...plan.gates.get(gn)!.fires.flatMap((t) => processorsOfTarget(plan, t.kind, t.name)));
  }
  return seen;
}
