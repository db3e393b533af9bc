// Data checks (§8.11): row counts, coverage against another table, freshness — computed from the state
// store (versions and per-entity hashes), never by querying the warehouse. Evaluated after the
// table's writer runs (provisional when a deadline is set) and at the deadline (final).
import { formatDuration } from '../spec/duration.js';
import type { CheckPlan } from '../spec/plan.js';
import type { EntityGroup } from '../core/scope.js';
import type { PartitionVersion } from '../core/types.js';
import type { EngineHost as Engine } from './host.js';
import { ids } from './keys.js';

export interface CheckResult {
  check: string;
  partition: string;
  table: string;
  status: 'ok' | 'warn' | 'fail';
  value: number | null;
  message: string;
  evaluatedAt: number;
  final: boolean;
}

async function entityIds(engine: Engine, table: string, partition: string, kind: string): Promise<Set<string>> {
  const doc = await engine.backends.state.get<{ groups: Record<string, EntityGroup> }>('entity_hashes', ids.hashes(table, partition));
  return new Set(Object.values(doc?.groups ?? {}).map((g) => g.entities[kind]).filter((x): x is string => !!x));
}

export async function measure(engine: Engine, c: CheckPlan, partition: string): Promise<Omit<CheckResult, 'evaluatedAt' | 'final'>> {
  const base = { check: c.name, partition, table: c.table };
  const v = await engine.backends.state.get<PartitionVersion>('versions', ids.version(c.table, partition));
  const grade = (value: number, below: boolean) =>
    below ? (c.failBelow !== undefined && value < c.failBelow ? 'fail' : c.warnBelow !== undefined && value < c.warnBelow ? 'warn' : 'ok') : 'ok';
  if (c.kind === 'row_count') {
    const rows = v?.rows ?? 0;
    const status = grade(rows, true);
    return { ...base, status, value: rows, message: `${c.table} has ${rows} rows for ${partition}${status === 'ok' ? '' : ` (warn below ${c.warnBelow ?? '-'}, fail below ${c.failBelow ?? '-'})`}` };
  }
  if (c.kind === 'coverage') {
    const expected = await entityIds(engine, c.of!, partition, c.entity!);
    const present = await entityIds(engine, c.table, partition, c.entity!);
    if (expected.size === 0) return { ...base, status: 'ok', value: null, message: `no expected ${c.entity} in ${c.of} for ${partition}` };
    const covered = [...expected].filter((id) => present.has(id));
    const share = covered.length / expected.size;
    const status = grade(share, true);
    const missing = [...expected].filter((id) => !present.has(id));
    return { ...base, status, value: share, message: `${covered.length}/${expected.size} ${c.entity} covered (${(share * 100).toFixed(1)}%)${missing.length ? `; missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}` : ''}` };
  }
  if (!v) return { ...base, status: c.failAfterMs !== undefined ? 'fail' : 'warn', value: null, message: `${c.table} has no data for ${partition}` };
  const age = engine.now() - v.updatedAt;
  const status = c.failAfterMs !== undefined && age > c.failAfterMs ? 'fail' : c.warnAfterMs !== undefined && age > c.warnAfterMs ? 'warn' : 'ok';
  return { ...base, status, value: age, message: `${c.table} for ${partition} last updated ${formatDuration(age)} ago` };
}

export async function evaluateCheck(engine: Engine, c: CheckPlan, partition: string, final: boolean): Promise<CheckResult> {
  const m = await measure(engine, c, partition);
  const now = engine.now();
  const result: CheckResult = { ...m, evaluatedAt: now, final };
  const prev = await engine.backends.state.get<CheckResult>('checks', ids.check(c.name, partition));
  await engine.backends.state.transaction(async (tx) => tx.set('checks', ids.check(c.name, partition), result));
  engine.record({ event: `check:${m.status === 'ok' ? 'passed' : m.status === 'warn' ? 'warned' : 'failed'}`, partition, reasons: [m.message], detail: { check: c.name, value: m.value, final } });
  // Provisional results of a check with a deadline only alert when it is final.
  const shouldAlert = m.status !== 'ok' && (final || !c.deadline) && (final || prev?.status !== m.status);
  if (shouldAlert)
    await engine.alerts.send({ severity: m.status === 'fail' ? 'error' : 'warn', kind: `check:${m.status === 'fail' ? 'failed' : 'warned'}`, title: `check ${c.name} ${m.status} for ${partition}`, message: m.message, partition, check: c.name, detail: { value: m.value, final }, ts: now }, c.sinks);
  return result;
}

export async function evaluateChecks(engine: Engine, table: string, partition: string): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const name of engine.plan.checksOf.get(table) ?? []) out.push(await evaluateCheck(engine, engine.plan.checks.get(name)!, partition, false));
  return out;
}
