// The part of a spec the Plan can be built from when the reference checks found errors: processors
// whose phase exists, reads of declared tables and collections, and reads error recovery left intact
// (a read whose `window` was cut would turn into a same-partition read and invent cycles). What is left
// out, and references that did not resolve (triggers that are not reads, unknown targets), are recorded
// in the Recovery, so the graph rules do not report their consequences. On a spec without errors this
// is the spec itself.
import { assetRefs } from './check-refs.js';
import { didYouMean } from './diagnostics.js';
import type { PathSeg } from './source-map.js';
import type { Recovery } from './recover.js';
import type { RawProcessor, RawRead, RawSpec } from './types.js';

export function graphSpec(spec: RawSpec, recovery: Recovery): RawSpec {
  const assets = assetRefs(spec);
  const processors: Record<string, RawProcessor> = {};
  let changed = false;
  for (const [name, p] of Object.entries(spec.processors)) {
    if (!spec.phases[p.phase]) {
      recovery.record(['processors', name], p);
      changed = true;
      continue;
    }
    let reads = p.reads;
    for (const [ref, r] of Object.entries(p.reads ?? {})) {
      const path: PathSeg[] = ['processors', name, 'reads', ref];
      if (assets.has(ref) && !recovery.touches(path)) continue;
      if (reads === p.reads) reads = { ...p.reads } as Record<string, RawRead | null>;
      delete reads![ref];
      recovery.record(path, r);
      changed = true;
    }
    // A trigger that is not a read (reported) leaves the processor without the trigger it meant.
    (p.triggers ?? []).forEach((t, i) => {
      if (!p.reads || !Object.hasOwn(p.reads, t)) recovery.record(['processors', name, 'triggers', i], t);
    });
    processors[name] = reads === p.reads ? p : { ...p, reads };
  }
  // Outputs that do not resolve, or that were cut with their processor: some table may lack its writer.
  const resolves = (writes: unknown) => (Array.isArray(writes) ? writes : [writes]).every((o) => typeof o === 'string' && assets.has(o));
  if (Object.values(spec.processors).some((p) => !resolves(p.writes)) || recovery.cuts.some(({ path, value }) =>
    path[0] === 'processors' && (path.length > 2 ? path[2] === 'writes' : path.length === 2 && !resolves((value as { writes?: unknown } | undefined)?.writes))))
    recovery.unresolvedWrites = true;
  doubtFiring(spec, recovery);
  return changed ? { ...spec, processors } : spec;
}

/**
 * Processors whether something sets them in motion is in doubt: those a gate, stage or schedule that
 * was cut names, and those an unresolved member or target most likely meant (its did-you-mean). A name
 * with no likely meaning leaves every processor in doubt.
 */
function doubtFiring(spec: RawSpec, recovery: Recovery): void {
  const targets = [...Object.keys(spec.processors), ...Object.keys(spec.gates ?? {}), ...Object.keys(spec.stages ?? {})];
  const known = new Set(targets);
  const expand = (name: string, seen = new Set<string>()): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    if (spec.processors[name]) return [name];
    const stage = spec.stages?.[name];
    if (stage) return stage.levels.flat().filter((m) => spec.processors[m]);
    return (spec.gates?.[name]?.fires ?? []).flatMap((t) => expand(t, seen));
  };
  const unresolved: string[] = [];
  for (const g of Object.values(spec.gates ?? {})) unresolved.push(...g.fires.filter((t) => !known.has(t)), ...g.wait_for.filter((m) => !spec.processors[m]));
  for (const s of Object.values(spec.stages ?? {})) unresolved.push(...s.levels.flat().filter((m) => !spec.processors[m]));
  for (const s of Object.values(spec.schedules ?? {})) if (!known.has(s.target)) unresolved.push(s.target);
  for (const name of unresolved) {
    const meant = didYouMean(name, targets);
    if (meant === undefined) recovery.unresolvedFiring = true;
    else for (const p of expand(meant)) recovery.doubt(p);
  }
  for (const { path, value } of recovery.cuts) {
    if (path[0] !== 'gates' && path[0] !== 'stages' && path[0] !== 'schedules') continue;
    // What a cut `fires`, `levels` or `target` named is gone with it.
    if (path.slice(2).some((s) => s === 'fires' || s === 'levels' || s === 'target')) recovery.unresolvedFiring = true;
    for (const name of [...path.filter((s): s is string => typeof s === 'string'), ...stringsIn(value)]) if (known.has(name)) for (const p of expand(name)) recovery.doubt(p);
  }
}

function stringsIn(value: unknown): string[] {
  const out: string[] = [];
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') for (const inner of Object.values(v)) stack.push(inner);
  }
  return out;
}
