// Gates (§8.6): fire once per set of member output versions, refire when one changes; past the
// deadline, fire on the critical subset (degraded). The fire and its events are applied by the
// runtime in one transaction; this module only decides.
import { formatDuration } from '../spec/duration.js';
import type { GatePlan, Plan } from '../spec/plan.js';
import { phaseAfter } from './decide.js';
import { mergeChanged } from './scope.js';
import type { BackfillFlags, ChangedEntities, GateFire, PartitionVersion } from './types.js';

export interface GateSnapshot {
  /** member → version of its primary output for the partition. */
  outputs: Record<string, PartitionVersion | undefined>;
  /** members currently holding a live lease. */
  running: string[];
  fire?: GateFire;
}

export type GateDecision =
  | { kind: 'fire'; gate: string; partition: string; vector: Record<string, number>; degraded: boolean; changed: ChangedEntities | null; reasons: string[] }
  | { kind: 'wait' | 'unchanged' | 'skip:stop-after'; gate: string; partition: string; reasons: string[] };

export function evaluateGate(plan: Plan, gate: GatePlan, partition: string, snap: GateSnapshot, now: number, backfill: BackfillFlags | null): GateDecision {
  const base = { gate: gate.name, partition };
  const present = gate.members.filter((m) => snap.outputs[m]);
  const missing = gate.members.filter((m) => !snap.outputs[m]);
  const running = gate.members.filter((m) => snap.running.includes(m));
  if (running.length) return { ...base, kind: 'wait', reasons: [`waiting for running member(s): ${running.join(', ')}`] };

  let degraded = false;
  if (missing.length) {
    const reasons = [`waiting for ${missing.join(', ')} (${present.length}/${gate.members.length} done)`];
    const dl = gate.deadline;
    if (!dl || present.length === 0) return { ...base, kind: 'wait', reasons };
    const first = Math.min(...present.map((m) => snap.outputs[m]!.updatedAt));
    const due = first + dl.afterMs;
    if (now < due) return { ...base, kind: 'wait', reasons: [...reasons, `deadline in ${formatDuration(due - now)}`] };
    const critMissing = gate.critical.filter((m) => !snap.outputs[m]);
    if (critMissing.length) return { ...base, kind: 'wait', reasons: [...reasons, `past the deadline, but critical member(s) ${critMissing.join(', ')} are not done`] };
    const others = gate.members.filter((m) => !gate.critical.includes(m));
    const share = others.length ? others.filter((m) => snap.outputs[m]).length / others.length : 1;
    if (share < dl.minFraction) return { ...base, kind: 'wait', reasons: [...reasons, `past the deadline, but only ${Math.round(share * 100)}% of the other members are done (needs ${Math.round(dl.minFraction * 100)}%)`] };
    degraded = true;
  }

  const vector: Record<string, number> = {};
  for (const m of present) vector[m] = snap.outputs[m]!.version;
  const prev = snap.fire?.vector;
  if (prev && sameVector(prev, vector)) return { ...base, kind: 'unchanged', reasons: [`already fired for these member versions (${vectorText(vector)})`] };

  const targets = gate.fires.map((t) => plan.processors.get(t.name) ?? firstOfStage(plan, t.name)).filter((p) => p !== undefined);
  if (backfill?.stopAfter && targets.length && targets.every((p) => phaseAfter(plan, p!, backfill.stopAfter)))
    return { ...base, kind: 'skip:stop-after', reasons: [`backfill stops after phase ${backfill.stopAfter}; the gate's targets are later`] };

  // Which entities changed since the last fire: exact when every changed member moved by one version.
  let changed: ChangedEntities | null = prev ? {} : null;
  if (prev) {
    for (const m of present) {
      const v = snap.outputs[m]!;
      if (prev[m] === v.version) continue;
      changed = prev[m] === v.version - 1 ? mergeChanged(changed, v.changedEntities) : null;
      if (changed === null) break;
    }
  }
  const reasons = [degraded ? `deadline passed: firing with ${present.length}/${gate.members.length} members (degraded)` : `all ${gate.members.length} members done`, `member versions ${vectorText(vector)}`];
  return { ...base, kind: 'fire', vector, degraded, changed, reasons };
}

function firstOfStage(plan: Plan, stage: string) {
  const s = plan.stages.get(stage);
  return s ? plan.processors.get(s.levels[0]![0]!) : undefined;
}

function sameVector(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export function vectorText(v: Record<string, number>): string {
  return Object.entries(v).map(([k, n]) => `${k}=v${n}`).join(' ');
}
