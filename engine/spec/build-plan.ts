// Builds the immutable Plan from a spec that passed the reference checks: applies the defaults of
// defaults.ts, resolves every reference, and derives the indexes the engine reads.
import { createHash } from 'node:crypto';
import { DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { SourceMap } from './source-map.js';
import type {
  AlertSinkPlan, AssetPlan, CheckPlan, GatePlan, PhasePlan, Plan, ProcessorPlan, ReadPlan, RetryPlan,
  SchedulePlan, StagePlan, TargetRef, WindowPlan,
} from './plan.js';
import type { RawRetry, RawSpec, RawWindow } from './types.js';
import { outputsOf } from './check-refs.js';

/** JSON with sorted keys: the same spec always hashes the same, whatever the key order in the file. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const ms = (d: string | undefined, fallback?: string): number | undefined => {
  const text = d ?? fallback;
  return text === undefined ? undefined : parseDuration(text);
};

function retryPlan(...layers: (RawRetry | undefined)[]): RetryPlan {
  const pick = <K extends keyof RawRetry>(k: K): RawRetry[K] | undefined => layers.find((l) => l?.[k] !== undefined)?.[k];
  return {
    maxAttempts: pick('max_attempts') ?? DEFAULTS.retry.max_attempts,
    initialBackoffMs: ms(pick('initial_backoff'), DEFAULTS.retry.initial_backoff)!,
    maxBackoffMs: ms(pick('max_backoff'), DEFAULTS.retry.max_backoff)!,
    multiplier: pick('multiplier') ?? DEFAULTS.retry.multiplier,
    nonRetryable: pick('non_retryable') ?? [...DEFAULTS.retry.non_retryable],
  };
}

function windowPlan(w: string | RawWindow | undefined): WindowPlan | undefined {
  if (w === undefined) return undefined;
  if (typeof w === 'string') return { days: Number(w.slice(0, -1)), includeCurrent: DEFAULTS.window.include_current, minPartitions: DEFAULTS.window.min_partitions };
  return { days: w.days, includeCurrent: w.include_current ?? DEFAULTS.window.include_current, minPartitions: w.min_partitions ?? DEFAULTS.window.min_partitions };
}

export function buildPlan(spec: RawSpec, src: SourceMap, dir: string): Plan {
  const pos = (...path: (string | number)[]) => src.at(path);
  const prefix = spec.project?.topic_prefix ?? DEFAULTS.project.topic_prefix;

  const buckets = new Map(Object.entries(spec.buckets ?? {}).map(([alias, b]) => [alias, b.name] as const));
  const assets = new Map<string, AssetPlan>();
  for (const [ds, d] of Object.entries(spec.datasets)) {
    for (const [t, table] of Object.entries(d.tables)) {
      const ref = `${ds}.${t}`;
      assets.set(ref, {
        kind: 'table', ref, name: t, dataset: ds, description: table.description,
        columns: Object.entries(table.columns).map(([name, c]) => ({
          name, type: c.type, description: c.description,
          nullable: table.key.includes(name) || name === spec.partition.key ? false : (c.nullable ?? DEFAULTS.table.nullable),
        })),
        key: table.key, entities: table.entities ?? {}, external: table.external ?? DEFAULTS.table.external,
        mode: table.mode ?? DEFAULTS.table.mode, source: pos('datasets', ds, 'tables', t),
      });
    }
  }
  for (const [name, o] of Object.entries(spec.objects ?? {}))
    assets.set(`objects/${name}`, { kind: 'objects', ref: `objects/${name}`, name, bucketAlias: o.bucket, bucket: buckets.get(o.bucket)!, path: o.path, description: o.description, source: pos('objects', name) });
  for (const [name, o] of Object.entries(spec.documents ?? {}))
    assets.set(`documents/${name}`, { kind: 'documents', ref: `documents/${name}`, name, path: o.path, description: o.description, source: pos('documents', name) });

  const phases: PhasePlan[] = Object.entries(spec.phases)
    .map(([name, p]) => ({ name, number: p.number, topic: `${prefix}${p.topic}`, accepts: p.accepts ?? [...DEFAULTS.phase.accepts], description: p.description }))
    .sort((a, b) => a.number - b.number);
  const phaseByName = new Map(phases.map((p) => [p.name, p] as const));

  const stageOf = new Map<string, { name: string; level: number }>();
  for (const [name, s] of Object.entries(spec.stages ?? {})) s.levels.forEach((lvl, i) => lvl.forEach((m) => stageOf.set(m, { name, level: i + 1 })));

  const gateTargets = new Set(Object.values(spec.gates ?? {}).flatMap((g) => g.fires.filter((t) => spec.processors[t])));
  const kindOf = (n: string): TargetRef['kind'] => (spec.processors[n] ? 'processor' : spec.gates?.[n] ? 'gate' : 'stage');

  const processors = new Map<string, ProcessorPlan>();
  for (const [name, p] of Object.entries(spec.processors)) {
    const outputs = outputsOf(p.writes);
    const table = outputs.find((o) => !o.includes('/'));
    const stage = stageOf.get(name);
    const reads: ReadPlan[] = Object.entries(p.reads ?? {}).map(([asset, r]) => {
      const critical = r?.critical ?? DEFAULTS.read.critical;
      const window = windowPlan(r?.window);
      const sameSlice = !window || window.includeCurrent;
      // Processors fired by levels or gates wait for them: their reads do not trigger by default.
      const trigger = p.triggers ? p.triggers.includes(asset) : !stage && !gateTargets.has(name) && !window && sameSlice;
      return {
        asset, critical, window, trigger,
        minRows: r?.min_rows ?? (critical ? DEFAULTS.read.min_rows_critical : DEFAULTS.read.min_rows_optional),
        warnAfterMs: ms(r?.warn_after), failAfterMs: ms(r?.fail_after),
        source: pos('processors', name, 'reads', asset),
      };
    });
    const timeoutMs = ms(p.timeout ?? spec.defaults?.timeout, DEFAULTS.processor.timeout)!;
    const codeVersion = p.code_version ?? DEFAULTS.processor.code_version;
    const specHash = sha256(canonicalJson({ processor: p, output: table ? assets.get(table) && spec.datasets[table.split('.')[0]!]!.tables[table.split('.')[1]!] : null, codeVersion })).slice(0, 16);
    processors.set(name, {
      name, phase: p.phase, phaseNumber: phaseByName.get(p.phase)!.number, module: p.module, description: p.description,
      outputs, output: outputs[0]!, table, reads, triggers: reads.filter((r) => r.trigger).map((r) => r.asset),
      scopes: p.scopes ?? [], timeoutMs, leaseMs: timeoutMs + parseDuration(DEFAULTS.processor.lease_margin)!,
      retry: retryPlan(p.retry, spec.defaults?.retry), codeVersion, legacyNames: p.legacy_names ?? [],
      fanOut: p.fan_out && {
        entity: p.fan_out.entity, from: p.fan_out.from, coverage: p.fan_out.coverage ?? DEFAULTS.fan_out.coverage,
        waitMs: ms(p.fan_out.wait, DEFAULTS.fan_out.wait)!, taskTimeoutMs: ms(p.fan_out.task_timeout, DEFAULTS.fan_out.task_timeout)!,
        batch: p.fan_out.batch ?? DEFAULTS.fan_out.batch,
      },
      specHash, stage, source: pos('processors', name),
    });
  }

  const writerOf = new Map<string, string>();
  for (const p of processors.values()) for (const o of p.outputs) writerOf.set(o, p.name);

  const order = topologicalOrder(processors, writerOf);
  const rank = new Map(order.map((n, i) => [n, i] as const));
  const triggeredBy = new Map<string, string[]>();
  for (const p of processors.values()) for (const t of p.triggers) triggeredBy.set(t, [...(triggeredBy.get(t) ?? []), p.name]);
  for (const list of triggeredBy.values()) list.sort((a, b) => rank.get(a)! - rank.get(b)!);

  const gates = new Map<string, GatePlan>();
  const gatesOf = new Map<string, string[]>();
  for (const [name, g] of Object.entries(spec.gates ?? {})) {
    gates.set(name, {
      name, description: g.description, members: g.wait_for, critical: g.critical ?? [],
      deadline: g.deadline && { afterMs: parseDuration(g.deadline.after)!, minFraction: g.deadline.min_fraction ?? DEFAULTS.gate.min_fraction },
      fires: g.fires.map((t) => ({ kind: kindOf(t), name: t })), source: pos('gates', name),
    });
    for (const m of g.wait_for) gatesOf.set(m, [...(gatesOf.get(m) ?? []), name]);
  }
  const stages = new Map<string, StagePlan>(Object.entries(spec.stages ?? {}).map(([name, s]) => [name, { name, description: s.description, levels: s.levels, source: pos('stages', name) }]));
  const schedules = new Map<string, SchedulePlan>(
    Object.entries(spec.schedules ?? {}).map(([name, s]) => [name, {
      name, description: s.description, cron: s.cron, timezone: s.timezone ?? spec.partition.timezone ?? DEFAULTS.schedule.timezone,
      target: { kind: kindOf(s.target), name: s.target }, partition: s.partition ?? DEFAULTS.schedule.partition,
      onlyIfNotDone: s.only_if_not_done ?? DEFAULTS.schedule.only_if_not_done, waitForMs: ms(s.wait_for), stragglers: s.stragglers,
      source: pos('schedules', name),
    }]),
  );
  const alerts = new Map<string, AlertSinkPlan>(
    Object.entries(spec.alerts ?? {}).map(([name, a]) => [name, { name, type: a.type, url: a.url, urlEnv: a.url_env, minSeverity: a.min_severity ?? DEFAULTS.alert.min_severity }]),
  );
  const checks = new Map<string, CheckPlan>();
  const checksOf = new Map<string, string[]>();
  for (const [name, c] of Object.entries(spec.checks ?? {})) {
    checks.set(name, {
      name, description: c.description, table: c.table, kind: c.kind, warnBelow: c.warn_below, failBelow: c.fail_below,
      warnAfterMs: ms(c.warn_after), failAfterMs: ms(c.fail_after), of: c.of, entity: c.entity,
      deadline: c.deadline && { at: c.deadline.at, timezone: c.deadline.timezone ?? spec.partition.timezone ?? DEFAULTS.partition.timezone, dayOffset: c.deadline.day_offset ?? DEFAULTS.check.day_offset },
      sinks: c.sinks ?? [...alerts.keys()], source: pos('checks', name),
    });
    checksOf.set(c.table, [...(checksOf.get(c.table) ?? []), name]);
  }

  const localServices = new Map(Object.entries(spec.local?.services ?? {}).map(([name, l]) => [name, { name, module: l.module, env: l.env, description: l.description }] as const));

  const byLegacyName = new Map<string, string>();
  for (const p of processors.values()) {
    byLegacyName.set(p.name, p.name);
    for (const l of p.legacyNames) byLegacyName.set(l, p.name);
  }

  const plan: Plan = {
    name: spec.name, description: spec.description, specHash: sha256(canonicalJson(spec)).slice(0, 16),
    file: src.file, dir,
    partition: { key: spec.partition.key, timezone: spec.partition.timezone ?? DEFAULTS.partition.timezone },
    project: { id: spec.project?.id, region: spec.project?.region ?? DEFAULTS.project.region, service: spec.project?.service ?? DEFAULTS.project.service, topicPrefix: prefix },
    entities: Object.keys(spec.entities ?? {}), buckets, assets, phases, processors, gates, stages, schedules, checks, alerts, localServices,
    writerOf, triggeredBy, gatesOf, checksOf, order, phaseByName,
    phaseByTopic: new Map(phases.map((p) => [p.topic, p.name] as const)), byLegacyName,
  };
  return deepFreeze(plan);
}

/** Writers before readers (same-partition and window reads alike); ties broken by phase, then name. */
export function topologicalOrder(processors: ReadonlyMap<string, ProcessorPlan>, writerOf: ReadonlyMap<string, string>): string[] {
  const indeg = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const p of processors.values()) indeg.set(p.name, 0);
  for (const p of processors.values()) {
    for (const r of p.reads) {
      const w = writerOf.get(r.asset);
      if (!w || w === p.name) continue;
      next.set(w, [...(next.get(w) ?? []), p.name]);
      indeg.set(p.name, indeg.get(p.name)! + 1);
    }
  }
  const key = (n: string) => `${String(processors.get(n)!.phaseNumber).padStart(3, '0')}:${processors.get(n)!.stage?.level ?? 0}:${n}`;
  const ready = [...indeg].filter(([, d]) => d === 0).map(([n]) => n);
  const out: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const n = ready.shift()!;
    out.push(n);
    for (const m of next.get(n) ?? []) {
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) ready.push(m);
    }
  }
  // Processors on a cycle are appended so the order is total; check-graph reports the cycle.
  for (const n of [...processors.keys()].sort()) if (!out.includes(n)) out.push(n);
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    if (o instanceof Map) for (const v of o.values()) deepFreeze(v);
    else for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
