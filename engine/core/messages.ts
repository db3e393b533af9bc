// The message contract (ARCHITECTURE.md §6): engine events ↔ the unified wire message of the seeds
// (identity, data reference, status, timing, tracing, backfill, error, metadata) plus engine fields,
// and the normalizers for what arrives on a topic: unified, legacy scraper, GCS object-finalize.
// Anything else gets a precise rejection reason and goes to the DLQ; it never loops.
import type { Plan } from '../spec/plan.js';
import { isDate } from './dates.js';
import type { AssetUpdated, BackfillFlags, ChangedEntities, EngineEvent, RunRequested, Scope, TaskRequested } from './types.js';

export type Wire = Record<string, unknown>;

export type Normalized =
  | { ok: true; event: EngineEvent }
  /** Understood, deliberately not processed (e.g. a scraper reporting `failed` / `no_data`). */
  | { ok: false; ignored: true; reason: string }
  | { ok: false; ignored?: false; reason: string };

const iso = (ms: number) => new Date(ms).toISOString();

function backfillWire(b: BackfillFlags | null) {
  return { backfill_mode: b !== null, backfill_reason: b?.reason ?? null, stop_after: b?.stopAfter ?? null, skip_downstream_trigger: false };
}

/** Engine event → the wire message (body) and its attributes. */
export function toWire(plan: Plan, e: EngineEvent): { data: Wire; attributes: Record<string, string> } {
  const attributes: Record<string, string> = { event_type: wireType(e), correlation_id: e.correlationId, partition: e.partition };
  if (e.type !== 'task_requested' && e.ticket) attributes.ticket = e.ticket;
  const common = {
    event_type: wireType(e), partition: e.partition, [plan.partition.key]: e.partition, correlation_id: e.correlationId, parents: e.parents,
    timestamp: iso(e.emittedAt), ...backfillWire(e.backfill),
  };
  if (e.type === 'asset_updated') {
    const p = e.processor ? plan.processors.get(e.processor) : undefined;
    const [dataset, table] = e.asset.includes('.') ? e.asset.split('.') : [null, e.asset];
    if (e.processor) attributes.processor = e.processor;
    return {
      attributes,
      data: {
        ...common, processor_name: e.processor ?? null, phase: p?.phase ?? null, execution_id: e.executionId ?? null,
        asset: e.asset, output_table: table, output_dataset: dataset, version: e.version ?? null, changed_entities: e.changedEntities,
        status: e.status, record_count: e.rows ?? null, records_failed: 0, error_message: null, error_type: null,
        trigger_source: 'pubsub', metadata: { origin: e.origin },
      },
    };
  }
  attributes.processor = e.processor;
  if (e.type === 'run_requested')
    return {
      attributes,
      data: { ...common, processor_name: e.processor, scope: e.scope, reason: e.reason, source: e.source, stage: e.stage ?? null, force: e.force ?? false, only_if_not_done: e.onlyIfNotDone ?? false, trigger_source: e.reason === 'schedule' ? 'scheduler' : e.reason === 'manual' ? 'manual' : 'pubsub', metadata: {} },
    };
  return { attributes, data: { ...common, processor_name: e.processor, execution_id: e.executionId, entity: e.entity, entity_ids: e.ids, round: e.round, metadata: {} } };
}

function wireType(e: EngineEvent): string {
  return e.type === 'asset_updated' ? 'table_updated' : e.type;
}

/** A wire message from `topic` → an engine event, or why not. `now` stamps events lacking a time. */
export function normalize(plan: Plan, topic: string, data: unknown, attributes: Record<string, string> = {}, now = 0): Normalized {
  const phaseName = plan.phaseByTopic.get(topic);
  const accepts = phaseName ? plan.phaseByName.get(phaseName)!.accepts : ['unified'];
  if (isGcsNotification(data, attributes)) {
    if (!accepts.includes('gcs')) return { ok: false, reason: `topic ${topic} does not accept GCS notifications (phases declare them with accepts: [gcs])` };
    return fromGcs(plan, data as Wire, attributes, now);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: 'message body must be a JSON object' };
  const m = data as Wire;
  if (typeof m.event_type === 'string') {
    const n = fromEngine(plan, m, now);
    // The ticket travels as an attribute: it names the outbox entry that emitted the event.
    if (n.ok && n.event.type !== 'task_requested' && typeof attributes.ticket === 'string' && attributes.ticket) n.event.ticket = attributes.ticket;
    return n;
  }
  if ((typeof m.scraper_name === 'string' || typeof m.name === 'string') && 'gcs_path' in m) {
    if (!accepts.includes('legacy')) return { ok: false, reason: `topic ${topic} does not accept legacy scraper messages (phases declare them with accepts: [legacy])` };
    return fromLegacy(plan, m, now);
  }
  if (typeof m.processor_name === 'string' && typeof m.status === 'string') return fromUnified(plan, m, now);
  return { ok: false, reason: 'not a recognised message: expected a unified message (processor_name, status, game date, output_table), a legacy scraper message (scraper_name, gcs_path, status) or a GCS object-finalize notification' };
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const when = (m: Wire, now: number) => (typeof m.timestamp === 'string' && !Number.isNaN(Date.parse(m.timestamp)) ? Date.parse(m.timestamp) : now);

function partitionOf(plan: Plan, m: Wire): string | { error: string } {
  const d = str(m.partition) ?? str(m[plan.partition.key]);
  if (!d) return { error: `missing the partition: give \`partition\` or \`${plan.partition.key}\` as YYYY-MM-DD` };
  if (!isDate(d)) return { error: `partition ${JSON.stringify(d)} is not a date (YYYY-MM-DD)` };
  return d;
}

/** An unknown stop_after would silently let a backfill run the whole cascade: reject it. */
function stopAfterError(plan: Plan, m: Wire): string | undefined {
  const stopAfter = str(m.stop_after);
  if (stopAfter && !plan.phaseByName.has(stopAfter)) return `stop_after ${JSON.stringify(stopAfter)} is not a phase (${[...plan.phaseByName.keys()].join(', ')})`;
  return undefined;
}

function backfillOf(m: Wire): BackfillFlags | null {
  if (m.backfill_mode !== true) return null;
  return { mode: true, reason: str(m.backfill_reason) ?? 'backfill', ...(str(m.stop_after) ? { stopAfter: str(m.stop_after) } : {}) };
}

function lineageOf(m: Wire, fallback: string) {
  const parents = Array.isArray(m.parents) ? m.parents.filter((p): p is string => typeof p === 'string') : [];
  return { correlationId: str(m.correlation_id) ?? str(m.execution_id) ?? fallback, parents };
}

function fromEngine(plan: Plan, m: Wire, now: number): Normalized {
  const partition = partitionOf(plan, m);
  if (typeof partition !== 'string') return { ok: false, reason: partition.error };
  const badStop = stopAfterError(plan, m);
  if (badStop) return { ok: false, reason: badStop };
  const emittedAt = when(m, now);
  const backfill = backfillOf(m);
  switch (m.event_type) {
    case 'table_updated':
    case 'asset_updated': {
      const asset = str(m.asset) ?? (str(m.output_dataset) && str(m.output_table) ? `${m.output_dataset}.${m.output_table}` : undefined);
      if (!asset || !plan.assets.has(asset)) return { ok: false, reason: `unknown asset ${JSON.stringify(asset ?? null)}: not declared in the spec` };
      const version = m.version === null || m.version === undefined ? undefined : Number(m.version);
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) return { ok: false, reason: `version must be a positive integer, found ${JSON.stringify(m.version)}` };
      const changed = changedOf(m.changed_entities);
      if (changed === false) return { ok: false, reason: 'changed_entities must map entity kinds to lists of ids, or be null' };
      const ev: AssetUpdated = {
        type: 'asset_updated', asset, partition, version, changedEntities: changed, rows: typeof m.record_count === 'number' ? m.record_count : undefined,
        executionId: str(m.execution_id), processor: str(m.processor_name), status: statusOf(m.status), backfill, emittedAt,
        origin: originOf(m.metadata) ?? (version === undefined ? 'unified' : 'engine'), ...lineageOf(m, `ext-${asset}-${partition}`),
      };
      return { ok: true, event: ev };
    }
    case 'run_requested': {
      const processor = str(m.processor_name);
      if (!processor || !plan.processors.has(processor)) return { ok: false, reason: `unknown processor ${JSON.stringify(processor ?? null)}` };
      const scope = scopeOf(m.scope);
      if (scope === false) return { ok: false, reason: 'scope must be null or { kind, ids: [...] }' };
      const st = m.stage as Wire | null | undefined;
      const ev: RunRequested = {
        type: 'run_requested', processor, partition, scope, reason: (str(m.reason) ?? 'manual') as RunRequested['reason'], source: str(m.source) ?? 'unknown',
        stage: st && typeof st === 'object' ? { name: String(st.name), epoch: Number(st.epoch), level: Number(st.level) } : undefined,
        force: m.force === true, onlyIfNotDone: m.only_if_not_done === true, backfill, emittedAt, ...lineageOf(m, `req-${processor}-${partition}`),
      };
      return { ok: true, event: ev };
    }
    case 'task_requested': {
      const processor = str(m.processor_name);
      if (!processor || !plan.processors.get(processor)?.fanOut) return { ok: false, reason: `task for ${JSON.stringify(processor ?? null)}, which does not fan out` };
      const ev: TaskRequested = {
        type: 'task_requested', processor, partition, executionId: String(m.execution_id ?? ''), entity: String(m.entity ?? ''),
        ids: Array.isArray(m.entity_ids) ? m.entity_ids.filter((i): i is string => typeof i === 'string') : [], round: typeof m.round === 'number' ? m.round : 1,
        backfill, emittedAt, ...lineageOf(m, String(m.execution_id ?? '')),
      };
      if (!ev.executionId || !ev.ids.length || !ev.entity) return { ok: false, reason: 'task_requested needs execution_id, entity and a non-empty entity_ids list' };
      return { ok: true, event: ev };
    }
    default:
      return { ok: false, reason: `unknown event_type ${JSON.stringify(m.event_type)} (expected table_updated, run_requested or task_requested)` };
  }
}

const ORIGINS: readonly AssetUpdated['origin'][] = ['engine', 'unified', 'legacy', 'gcs'];

/** The origin toWire stamps in `metadata.origin`, when it is one we know. */
function originOf(metadata: unknown): AssetUpdated['origin'] | undefined {
  const o = metadata && typeof metadata === 'object' ? (metadata as Wire).origin : undefined;
  return ORIGINS.find((k) => k === o);
}

function statusOf(s: unknown): AssetUpdated['status'] {
  return s === 'no_data' || s === 'partial' || s === 'failed' ? s : 'success';
}

function changedOf(v: unknown): ChangedEntities | null | false {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const out: ChangedEntities = {};
  for (const [k, ids] of Object.entries(v as Wire)) {
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) return false;
    out[k] = ids as string[];
  }
  return out;
}

function scopeOf(v: unknown): Scope | null | false {
  if (v === null || v === undefined) return null;
  const s = v as Wire;
  if (typeof s !== 'object' || typeof s.kind !== 'string' || !Array.isArray(s.ids) || !s.ids.every((i) => typeof i === 'string')) return false;
  return { kind: s.kind, ids: s.ids as string[] };
}

/** A unified completion from another system (no engine version): the runtime records a new version. */
function fromUnified(plan: Plan, m: Wire, now: number): Normalized {
  const partition = partitionOf(plan, m);
  if (typeof partition !== 'string') return { ok: false, reason: partition.error };
  const name = str(m.processor_name)!;
  const byTable = str(m.output_dataset) && str(m.output_table) ? `${m.output_dataset}.${m.output_table}` : undefined;
  const proc = plan.byLegacyName.get(name);
  const asset = byTable && plan.assets.has(byTable) ? byTable : proc ? plan.processors.get(proc)!.output : undefined;
  if (!asset) return { ok: false, reason: `unified message from ${JSON.stringify(name)}: neither output ${JSON.stringify(byTable ?? null)} nor the processor is declared in the spec` };
  const status = statusOf(m.status);
  if (status === 'failed' || status === 'no_data') return { ok: false, ignored: true, reason: `${name} reported ${status} for ${partition}: nothing to process` };
  const badStop = stopAfterError(plan, m);
  if (badStop) return { ok: false, reason: badStop };
  return {
    ok: true,
    event: {
      type: 'asset_updated', asset, partition, changedEntities: null, rows: typeof m.record_count === 'number' ? m.record_count : undefined,
      processor: proc, status, backfill: backfillOf(m), emittedAt: when(m, now), origin: 'unified', ...lineageOf(m, `ext-${name}-${partition}`),
    },
  };
}

function fromLegacy(plan: Plan, m: Wire, now: number): Normalized {
  const name = str(m.scraper_name) ?? str(m.name)!;
  const proc = plan.byLegacyName.get(name);
  if (!proc) return { ok: false, reason: `legacy message from unknown scraper ${JSON.stringify(name)} (declare it in a processor's legacy_names)` };
  const p = plan.processors.get(proc)!;
  const status = str(m.status) ?? 'success';
  if (status === 'failed' || status === 'no_data') return { ok: false, ignored: true, reason: `scraper ${name} reported ${status}: nothing to process` };
  const gcsPath = str(m.gcs_path);
  if (!gcsPath) return { ok: false, reason: `legacy message from ${name} has no gcs_path` };
  const match = matchObject(plan, gcsPath, p.outputs);
  if (!match) return { ok: false, reason: `gcs_path ${gcsPath} matches none of ${p.name}'s collections (${p.outputs.join(', ')})` };
  return {
    ok: true,
    event: {
      type: 'asset_updated', asset: match.asset, partition: match.partition, changedEntities: null, rows: typeof m.record_count === 'number' ? m.record_count : undefined,
      processor: proc, status: 'success', backfill: null, emittedAt: when(m, now), origin: 'legacy',
      correlationId: str(m.correlation_id) ?? str(m.execution_id) ?? `legacy-${name}-${match.partition}`, parents: [],
    },
  };
}

function isGcsNotification(data: unknown, attrs: Record<string, string>): boolean {
  if (attrs.eventType === 'OBJECT_FINALIZE' || (attrs.bucketId && attrs.objectId)) return true;
  return !!data && typeof data === 'object' && (data as Wire).kind === 'storage#object';
}

function fromGcs(plan: Plan, m: Wire, attrs: Record<string, string>, now: number): Normalized {
  const bucket = attrs.bucketId ?? str(m?.bucket);
  const name = attrs.objectId ?? str(m?.name);
  if (!bucket || !name) return { ok: false, reason: 'GCS notification without bucket and object name' };
  // A bucket notification without an event-type filter also reports deletes, archives and metadata edits.
  if (attrs.eventType && attrs.eventType !== 'OBJECT_FINALIZE')
    return { ok: false, ignored: true, reason: `GCS ${attrs.eventType} notification for gs://${bucket}/${name}: only OBJECT_FINALIZE is new data` };
  const match = matchObject(plan, `gs://${bucket}/${name}`);
  if (!match) return { ok: false, reason: `object gs://${bucket}/${name} matches no declared collection` };
  const created = str(m?.timeCreated) ?? str(m?.updated);
  return {
    ok: true,
    event: {
      type: 'asset_updated', asset: match.asset, partition: match.partition, changedEntities: null, processor: plan.writerOf.get(match.asset),
      status: 'success', backfill: null, emittedAt: created && !Number.isNaN(Date.parse(created)) ? Date.parse(created) : now, origin: 'gcs',
      correlationId: `gcs-${bucket}/${name}`, parents: [],
    },
  };
}

/** Which object collection (and partition) a `gs://bucket/path` (or bare path) belongs to. */
export function matchObject(plan: Plan, path: string, among?: readonly string[]): { asset: string; partition: string } | undefined {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(path);
  const bucket = m?.[1];
  const rel = m ? m[2]! : path;
  for (const a of plan.assets.values()) {
    if (a.kind !== 'objects' || (among && !among.includes(a.ref)) || (bucket && a.bucket !== bucket)) continue;
    const re = patternRegex(a.path);
    const hit = re.exec(rel);
    if (hit?.groups?.date && isDate(hit.groups.date)) return { asset: a.ref, partition: hit.groups.date };
  }
  return undefined;
}

export function patternRegex(pattern: string): RegExp {
  let seenDate = false;
  const body = pattern
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const ph = /^\{([a-z_]+)\}$/.exec(part);
      if (!ph) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (ph[1] === 'date' && !seenDate) {
        seenDate = true;
        return '(?<date>\\d{4}-\\d{2}-\\d{2})';
      }
      return '[^/]+';
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** The object-path prefix of a collection for one partition (everything before the first placeholder after {date}). */
export function partitionPrefix(pattern: string, partition: string): string {
  const i = pattern.indexOf('{date}');
  const other = pattern.search(/\{(?!date\})[a-z_]+\}/);
  // No {date}, or another placeholder before it: only the fixed folders before that placeholder are common.
  if (i < 0 || (other >= 0 && other < i)) {
    const fixed = other < 0 ? pattern : pattern.slice(0, other);
    return fixed.slice(0, fixed.lastIndexOf('/') + 1);
  }
  const head = pattern.slice(0, i) + partition;
  const rest = pattern.slice(i + 6);
  const next = rest.indexOf('{');
  const tail = next < 0 ? rest : rest.slice(0, next);
  return head + tail.slice(0, tail.lastIndexOf('/') + 1 || 0);
}
