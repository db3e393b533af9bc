// Semantic checks that need names resolved: every reference to a table, collection, processor, phase,
// gate, stage, bucket, entity, column and alert sink must exist (with a did-you-mean), outputs must be
// well-formed and written once, cron expressions, time zones and limits must make sense.
// Graph rules (cycles, levels, triggerability) run later on the built plan: see check-graph.ts.
// The spec may be one cut down by error recovery (recover.ts): a verdict that rests on a value the
// schema rejected (a reference to a cut declaration, a "missing" key that was cut) is not reported.
import { cronProblem } from './cron.js';
import { diagnostic, didYouMean, type Code, type Diagnostic } from './diagnostics.js';
import { parseDuration } from './duration.js';
import type { PathSeg, SourceMap } from './source-map.js';
import { Recovery, UNNAMED_KEY } from './recover.js';
import { timeZoneHint, validTimeZone } from './time-zone.js';
import type { RawRetry, RawSpec, RawWindow } from './types.js';

export function assetRefs(spec: RawSpec): Map<string, 'table' | 'objects' | 'documents'> {
  const refs = new Map<string, 'table' | 'objects' | 'documents'>();
  for (const [ds, d] of Object.entries(spec.datasets)) for (const t of Object.keys(d.tables)) refs.set(`${ds}.${t}`, 'table');
  for (const o of Object.keys(spec.objects ?? {})) refs.set(`objects/${o}`, 'objects');
  for (const o of Object.keys(spec.documents ?? {})) refs.set(`documents/${o}`, 'documents');
  return refs;
}

export function tableSpec(spec: RawSpec, ref: string) {
  const [ds, t] = ref.split('.');
  return ds && t ? spec.datasets[ds]?.tables[t] : undefined;
}

export function outputsOf(writes: string | string[]): string[] {
  return Array.isArray(writes) ? writes : [writes];
}

/** Where a table or collection is declared: `raw.games` → datasets.raw.tables.games. */
export function assetPath(ref: string): PathSeg[] {
  const slash = ref.indexOf('/');
  if (slash >= 0) return [ref.slice(0, slash), ref.slice(slash + 1)];
  const [ds, t] = ref.split('.');
  return ['datasets', ds ?? '', 'tables', t ?? ''];
}

/** Where each kind of name is declared, by the word messages call it: the maps holding such names. */
const DECLARED: Record<string, readonly (readonly string[])[]> = {
  table: [['datasets', '*', 'tables']],
  collection: [['objects'], ['documents']],
  processor: [['processors']],
  phase: [['phases']],
  target: [['processors'], ['gates'], ['stages']],
  'entity kind': [['entities']],
  bucket: [['buckets']],
  'alert sink': [['alerts']],
};

/** The path declaring `name` in a map of DECLARED (`raw.games` in datasets.*.tables → datasets.raw.tables.games). */
function declarationPath(map: readonly string[], name: string): PathSeg[] {
  if (map[1] === '*') return assetPath(name);
  if (map[0] === 'objects' || map[0] === 'documents') return assetPath(name.includes('/') ? name : `${map[0]}/${name}`);
  return [...map, name];
}

/** The names of declarations error recovery cut from a map of DECLARED. */
function cutNames(recovery: Recovery, map: readonly string[]): string[] {
  const out: string[] = [];
  for (const { path: p } of recovery.cuts) {
    if (p.length !== map.length + 1 || !map.every((seg, i) => seg === '*' || seg === p[i])) continue;
    out.push(map[1] === '*' ? `${String(p[1])}.${String(p[3])}` : map[0] === 'objects' || map[0] === 'documents' ? `${map[0]}/${String(p[1])}` : String(p[map.length]));
  }
  return out;
}

/** Whether the name nearest to `name` is one of `broken` (names already reported as wrong): then `name` most likely meant it. */
function meantBroken(name: string, valid: readonly string[], broken: readonly string[]): boolean {
  return broken.length > 0 && broken.includes(didYouMean(name, [...valid, ...broken]) ?? '');
}

export function checkReferences(spec: RawSpec, src: SourceMap, recovery = new Recovery()): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PathSeg[], key = false) => src.at(path, { key });
  const add = (code: Code, path: PathSeg[], message: string, hint?: string, key = false) => out.push(diagnostic(code, at(path, key), message, hint));
  /** Whether a verdict rests on a value error recovery cut (it was reported by the schema check). */
  const doubtful = (...paths: PathSeg[][]) => paths.some((p) => recovery.covers(p));
  /**
   * A reference to a name that is not declared. Not reported when the declaration was cut (or one
   * holding it), nor when the nearest name is a cut declaration: `Games:` rejected as a table name is
   * what `raw.games` refers to.
   */
  const unknown = (code: Code, path: PathSeg[], what: string, name: string, candidates: Iterable<string>, fix: string, key = false, maps = DECLARED[what] ?? []) => {
    if (doubtful(...maps.map((m) => declarationPath(m, name)))) return;
    const list = [...candidates];
    const cut = maps.flatMap((m) => cutNames(recovery, m));
    if (cut.length && cut.includes(didYouMean(name, [...list, ...cut]) ?? '')) return;
    const guess = didYouMean(name, list);
    add(code, path, `${what} \`${name}\` does not exist`, guess ? `did you mean \`${guess}\`?` : fix, key);
  };

  const assets = assetRefs(spec);
  const processors = Object.keys(spec.processors);
  const phases = Object.keys(spec.phases);
  const gates = Object.keys(spec.gates ?? {});
  const stages = Object.keys(spec.stages ?? {});
  const entities = Object.keys(spec.entities ?? {});
  const sinks = Object.keys(spec.alerts ?? {});
  const pkey = spec.partition.key;

  if (spec.partition.timezone && !validTimeZone(spec.partition.timezone))
    add('PIPE036', ['partition', 'timezone'], `unknown time zone \`${spec.partition.timezone}\``, timeZoneHint(spec.partition.timezone, 'America/New_York or UTC'));

  // Names of processors, gates and stages share one namespace: targets refer to them by name.
  const owner = new Map<string, string>();
  for (const [kind, names] of [['processor', processors], ['gate', gates], ['stage', stages]] as const) {
    for (const n of names) {
      const prev = owner.get(n);
      if (prev) add('PIPE037', [`${kind}s` === 'processors' ? 'processors' : `${kind}s`, n], `\`${n}\` names both a ${prev} and a ${kind}`, 'rename one: gates, stages and processors are targets referred to by name', true);
      else owner.set(n, kind);
    }
  }

  // Tables: key, partition column, entities. When no table has the partition key column, the key is
  // what is wrong: one error there, not one per table.
  const tables = Object.entries(spec.datasets).flatMap(([ds, d]) => Object.entries(d.tables).map(([t, table]) => ({ ds, t, table })));
  const keyless = !doubtful(['partition', 'key']) && tables.length > 1 && tables.every(({ table }) => !table.columns[pkey]);
  if (keyless) {
    const guess = didYouMean(pkey, new Set(tables.flatMap(({ table }) => Object.keys(table.columns))));
    add('PIPE026', ['partition', 'key'], `no table has a \`${pkey}\` column, the partition key`, guess ? `did you mean \`${guess}\`?` : 'name the date column every table holds');
  }
  for (const [ds, d] of Object.entries(spec.datasets)) {
    for (const [t, table] of Object.entries(d.tables)) {
      const base: PathSeg[] = ['datasets', ds, 'tables', t];
      const cols = Object.keys(table.columns);
      if (!keyless && !table.columns[pkey] && !doubtful(['partition', 'key'], [...base, 'columns', pkey])) {
        const guess = didYouMean(pkey, cols);
        add('PIPE026', [...base, 'columns'], `table \`${ds}.${t}\` has no \`${pkey}\` column (the partition key)`,
          guess ? `did you mean to name the column \`${guess}\` \`${pkey}\`? Every table holds the partition key column` : `add \`${pkey}: { type: date, nullable: false }\` to its columns`, true);
      }
      table.key.forEach((k, i) => {
        if (!table.columns[k]) unknown('PIPE025', [...base, 'key', i], `key column`, k, cols, `declare \`${k}\` under columns, or remove it from the key`, false, [['datasets', ds, 'tables', t, 'columns']]);
      });
      for (const [kind, col] of Object.entries(table.entities ?? {})) {
        if (!entities.includes(kind)) unknown('PIPE027', [...base, 'entities', kind], 'entity kind', kind, entities, 'declare it under `entities:` at the top level', true);
        if (!table.columns[col] && !doubtful([...base, 'columns', col])) {
          const guess = didYouMean(col, cols);
          add('PIPE028', [...base, 'entities', kind], `entity \`${kind}\` of table \`${ds}.${t}\` maps to column \`${col}\`, which the table does not declare`,
            guess ? `did you mean \`${guess}\`?` : `declare \`${col}\` under columns, or map \`${kind}\` to a declared column`);
        }
      }
    }
  }

  for (const [name, o] of Object.entries(spec.objects ?? {})) {
    if (!spec.buckets?.[o.bucket]) unknown('PIPE031', ['objects', name, 'bucket'], 'bucket', o.bucket, Object.keys(spec.buckets ?? {}), 'declare it under `buckets:`');
  }

  // Phases: numbers and topics unique.
  const numbers = new Map<number, string>();
  const topics = new Map<string, string>();
  for (const [name, ph] of Object.entries(spec.phases)) {
    const prev = numbers.get(ph.number);
    if (prev) add('PIPE033', ['phases', name, 'number'], `phases \`${prev}\` and \`${name}\` both have number ${ph.number}`, 'give every phase its own number: they order the pipeline');
    else numbers.set(ph.number, name);
    const tp = topics.get(ph.topic);
    if (tp) add('PIPE020', ['phases', name, 'topic'], `topic \`${ph.topic}\` is already used by phase \`${tp}\``, 'every phase publishes on its own topic');
    else topics.set(ph.topic, name);
  }
  for (const reserved of [`${spec.name}-requests`, `${spec.name}-tasks`]) {
    const tp = topics.get(reserved);
    if (tp) add('PIPE020', ['phases', tp, 'topic'], `topic \`${reserved}\` is reserved for the engine's own requests`, 'pick another topic name');
  }

  // Retry policies: the first wait cannot exceed the longest.
  const checkRetry = (r: RawRetry | undefined, path: PathSeg[]) => {
    const initial = r?.initial_backoff ? parseDuration(r.initial_backoff) : undefined;
    const max = r?.max_backoff ? parseDuration(r.max_backoff) : undefined;
    if (initial !== undefined && max !== undefined && initial > max)
      add('PIPE045', [...path, 'initial_backoff'], `initial_backoff (${r!.initial_backoff}) is longer than max_backoff (${r!.max_backoff})`, 'make initial_backoff ≤ max_backoff: the wait grows from the first to the longest');
  };
  checkRetry(spec.defaults?.retry, ['defaults', 'retry']);

  // Processors.
  const writer = new Map<string, string>();
  // Processor names and legacy names share the namespace legacy messages are routed by.
  const undated = new Set<string>();
  const legacyOwner = new Map<string, string>(processors.map((n) => [n, n] as const));
  for (const [name, p] of Object.entries(spec.processors)) {
    const base: PathSeg[] = ['processors', name];
    if (!spec.phases[p.phase]) unknown('PIPE012', [...base, 'phase'], 'phase', p.phase, phases, 'declare it under `phases:`');
    const outs = outputsOf(p.writes);
    const tables = outs.filter((o) => !o.includes('/'));
    if (tables.length > 1 || (tables.length === 1 && outs.length > 1)) {
      // At the first output that breaks the rule: the second table, or the table among collections.
      const bad = tables.length > 1 ? outs.indexOf(tables[1]!) : outs.indexOf(tables[0]!);
      add('PIPE030', [...base, 'writes', bad], `processor \`${name}\` writes ${outs.join(', ')}; a processor writes exactly one table, or only object/document collections`,
        tables.length > 1 ? 'split it into one processor per table' : 'split it: one processor writes the table, another publishes the collections');
    }
    checkRetry(p.retry, [...base, 'retry']);
    (p.legacy_names ?? []).forEach((l, i) => {
      const prev = legacyOwner.get(l);
      if (prev && prev !== name)
        add('PIPE037', [...base, 'legacy_names', i], `legacy name \`${l}\` of processor \`${name}\` is already ${spec.processors[l] ? 'the name of' : 'a legacy name of'} processor \`${prev}\``,
          'legacy messages are routed by name: each legacy name must lead to one processor');
      else legacyOwner.set(l, name);
    });
    outs.forEach((o, i) => {
      const path = Array.isArray(p.writes) ? [...base, 'writes', i] : [...base, 'writes'];
      if (!assets.has(o)) return unknown('PIPE010', path, o.includes('/') ? 'collection' : 'table', o, assets.keys(), 'declare it under `datasets:`, `objects:` or `documents:`');
      const prev = writer.get(o);
      if (prev) add('PIPE014', path, `\`${o}\` is written by both \`${prev}\` and \`${name}\``, 'exactly one processor writes each table or collection: merge the two or write two tables');
      else writer.set(o, name);
      if (tableSpec(spec, o)?.external) add('PIPE029', path, `\`${o}\` is declared external, but processor \`${name}\` writes it`, 'remove `external: true` from the table, or stop writing it here');
    });
    const readNames = Object.keys(p.reads ?? {}).filter((r) => assets.has(r));
    const unknownReads = Object.keys(p.reads ?? {}).filter((r) => !assets.has(r));
    for (const [ref, r] of Object.entries(p.reads ?? {})) {
      const rp: PathSeg[] = [...base, 'reads', ref];
      if (!assets.has(ref)) {
        unknown('PIPE010', rp, ref.includes('/') ? 'collection' : 'table', ref, assets.keys(), 'declare it under `datasets:` (with `external: true` if written outside the pipeline)', true);
        continue;
      }
      const coll = ref.startsWith('objects/') ? spec.objects?.[ref.slice(8)] : undefined;
      if (coll && !coll.path.includes('{date}') && !undated.has(ref)) {
        undated.add(ref);
        add('PIPE005', ['objects', ref.slice(8), 'path'], `collection \`${ref}\` is read by \`${name}\`, but its path \`${coll.path}\` has no {date}`, 'put {date} in the path: it is how a partition\'s objects are found');
      }
      if (!r) continue;
      const warn = r.warn_after ? parseDuration(r.warn_after) : undefined;
      const fail = r.fail_after ? parseDuration(r.fail_after) : undefined;
      if (warn !== undefined && fail !== undefined && warn > fail)
        add('PIPE038', [...rp, 'warn_after'], `warn_after (${r.warn_after}) is longer than fail_after (${r.fail_after})`, 'a warning must come before the failure: make warn_after ≤ fail_after');
      const w = r.window as RawWindow | string | undefined;
      const held = w && typeof w === 'object' ? w.days + (w.include_current ? 1 : 0) : 0;
      if (w && typeof w === 'object' && w.min_partitions !== undefined && w.min_partitions > held)
        add('PIPE038', [...rp, 'window', 'min_partitions'], `min_partitions (${w.min_partitions}) exceeds the window's ${held} partitions${w.include_current ? ` (${w.days} days and the current one)` : ''}`, 'lower min_partitions or widen the window');
    }
    (p.triggers ?? []).forEach((t, i) => {
      if (!readNames.includes(t) && !unknownReads.includes(t) && !doubtful([...base, 'reads', t], [...base, 'reads', UNNAMED_KEY]) && !meantBroken(t, readNames, unknownReads)) {
        const guess = didYouMean(t, readNames);
        add('PIPE016', [...base, 'triggers', i], `processor \`${name}\` is triggered by \`${t}\`, which it does not read`, guess ? `did you mean \`${guess}\`?` : `add \`${t}\` to its reads, or remove the trigger`);
      }
    });
    const outTable = tables.length === 1 ? tableSpec(spec, tables[0]!) : undefined;
    const outEntity = (e: string) => outTable && !outTable.entities?.[e] && !doubtful([...assetPath(tables[0]!), 'entities', e]);
    (p.scopes ?? []).forEach((s, i) => {
      if (!entities.includes(s)) return unknown('PIPE027', [...base, 'scopes', i], 'entity kind', s, entities, 'declare it under `entities:`');
      if (outEntity(s))
        add('PIPE035', [...base, 'scopes', i], `processor \`${name}\` runs scoped to \`${s}\`, but its output table \`${tables[0]}\` has no \`${s}\` entity column`, `map \`${s}\` to a column under the output table's \`entities:\`, or drop the scope`);
    });
    if (p.fan_out) {
      const f = p.fan_out;
      const knownEntity = entities.includes(f.entity);
      if (!knownEntity) unknown('PIPE027', [...base, 'fan_out', 'entity'], 'entity kind', f.entity, entities, 'declare it under `entities:`');
      if (!assets.has(f.from)) unknown('PIPE010', [...base, 'fan_out', 'from'], 'table', f.from, assets.keys(), 'name the table listing the expected entities');
      else if (!readNames.includes(f.from)) {
        if (!doubtful([...base, 'reads', f.from], [...base, 'reads', UNNAMED_KEY]) && !meantBroken(f.from, readNames, unknownReads)) add('PIPE040', [...base, 'fan_out', 'from'], `processor \`${name}\` fans out over \`${f.from}\`, which it does not read`, `add \`${f.from}\` to its reads`);
      } else if (knownEntity && !tableSpec(spec, f.from)?.entities?.[f.entity] && !doubtful([...assetPath(f.from), 'entities', f.entity]))
        add('PIPE040', [...base, 'fan_out', 'from'], `\`${f.from}\` has no \`${f.entity}\` entity column to fan out over`, `map \`${f.entity}\` under its \`entities:\``);
      if (knownEntity && outEntity(f.entity))
        add('PIPE040', [...base, 'fan_out', 'entity'], `the output of \`${name}\` has no \`${f.entity}\` entity column, so tasks cannot write per entity`, `map \`${f.entity}\` under the output table's \`entities:\``);
    }
  }

  // Gates.
  for (const [name, g] of Object.entries(spec.gates ?? {})) {
    const base: PathSeg[] = ['gates', name];
    g.wait_for.forEach((m, i) => {
      if (!spec.processors[m]) unknown('PIPE011', [...base, 'wait_for', i], 'processor', m, processors, 'name a processor declared under `processors:`');
    });
    (g.critical ?? []).forEach((m, i) => {
      if (g.wait_for.includes(m) || meantBroken(m, g.wait_for.filter((w) => spec.processors[w]), g.wait_for.filter((w) => !spec.processors[w]))) return;
      const guess = didYouMean(m, g.wait_for);
      add('PIPE039', [...base, 'critical', i], `critical member \`${m}\` is not in \`wait_for\``, guess ? `did you mean \`${guess}\`?` : `add \`${m}\` to wait_for, or remove it from critical`);
    });
    g.fires.forEach((t, i) => {
      if (!owner.has(t)) unknown('PIPE013', [...base, 'fires', i], 'target', t, [...owner].filter(([, k]) => k !== 'gate').map(([n]) => n), 'a gate fires processors or stages by name');
      else if (owner.get(t) === 'gate' && !spec.processors[t])
        add('PIPE046', [...base, 'fires', i], `gate \`${name}\` fires gate \`${t}\`; a gate fires processors or stages`, `fire \`${t}\`'s targets directly, or add the members of \`${name}\` to \`${t}\``);
    });
  }

  // Stages.
  const levelOf = new Map<string, string>();
  for (const [name, s] of Object.entries(spec.stages ?? {})) {
    s.levels.forEach((lvl, li) =>
      lvl.forEach((m, mi) => {
        const path: PathSeg[] = ['stages', name, 'levels', li, mi];
        if (!spec.processors[m]) return unknown('PIPE011', path, 'processor', m, processors, 'name a processor declared under `processors:`');
        const prev = levelOf.get(m);
        if (prev) add('PIPE034', path, `processor \`${m}\` already appears in ${prev}`, 'a processor belongs to one level of one stage');
        else levelOf.set(m, `stage \`${name}\` level ${li + 1}`);
      }),
    );
  }

  // Schedules.
  for (const [name, s] of Object.entries(spec.schedules ?? {})) {
    const base: PathSeg[] = ['schedules', name];
    if (s.timezone && !validTimeZone(s.timezone)) add('PIPE036', [...base, 'timezone'], `unknown time zone \`${s.timezone}\``, timeZoneHint(s.timezone, 'America/Los_Angeles'));
    const cron = cronProblem(s.cron);
    if (cron) add('PIPE021', [...base, 'cron'], `cron expression \`${s.cron}\` ${cron.reason}`, cron.hint);
    if (!owner.has(s.target)) unknown('PIPE013', [...base, 'target'], 'target', s.target, owner.keys(), 'a schedule fires a processor, gate or stage by name');
    if (s.stragglers) {
      const p = spec.processors[s.target];
      const known = entities.includes(s.stragglers.entity);
      if (!known) unknown('PIPE027', [...base, 'stragglers', 'entity'], 'entity kind', s.stragglers.entity, entities, 'declare it under `entities:`');
      if (!p && (spec.gates?.[s.target] || spec.stages?.[s.target])) add('PIPE042', [...base, 'stragglers'], `schedule \`${name}\` targets ${spec.gates?.[s.target] ? 'gate' : spec.stages?.[s.target] ? 'stage' : 'target'} \`${s.target}\`, but straggler retries rerun one processor's missing entities`, 'target the processor whose missing entities should be rerun');
      if (!assets.has(s.stragglers.expected)) unknown('PIPE010', [...base, 'stragglers', 'expected'], 'table', s.stragglers.expected, assets.keys(), 'name the table listing the expected entities');
      else if (known && !tableSpec(spec, s.stragglers.expected)?.entities?.[s.stragglers.entity] && !doubtful([...assetPath(s.stragglers.expected), 'entities', s.stragglers.entity]))
        add('PIPE042', [...base, 'stragglers', 'entity'], `\`${s.stragglers.expected}\` has no \`${s.stragglers.entity}\` entity column`, 'map the entity under that table\'s `entities:`');
      const scopes = p?.scopes ?? [];
      if (p && known && !scopes.includes(s.stragglers.entity) && !doubtful(['processors', s.target, 'scopes']) && !meantBroken(s.stragglers.entity, scopes.filter((e) => entities.includes(e)), scopes.filter((e) => !entities.includes(e))))
        add('PIPE042', [...base, 'stragglers', 'entity'], `processor \`${s.target}\` cannot run scoped to \`${s.stragglers.entity}\`, so stragglers cannot be rerun alone`, `add \`${s.stragglers.entity}\` to its scopes`);
    }
  }

  // Checks.
  for (const [name, c] of Object.entries(spec.checks ?? {})) {
    const base: PathSeg[] = ['checks', name];
    const t = tableSpec(spec, c.table);
    if (!t) unknown('PIPE024', [...base, 'table'], 'table', c.table, [...assets.keys()].filter((a) => !a.includes('/')), 'check a table declared under `datasets:`');
    if (c.kind === 'coverage') {
      if (!c.of || !c.entity) {
        const missing = [!c.of && '`of` (the table listing the expected entities)', !c.entity && '`entity` (the entity kind compared)'].filter(Boolean);
        if (!doubtful([...base, 'of'], [...base, 'entity']))
          add('PIPE041', base, `coverage check \`${name}\` needs ${missing.join(' and ')}`, `add ${[!c.of && '`of: dataset.table`', !c.entity && '`entity: KIND`'].filter(Boolean).join(' and ')}`, true);
      } else if (!entities.includes(c.entity)) unknown('PIPE027', [...base, 'entity'], 'entity kind', c.entity, entities, 'declare it under `entities:`');
      else {
        const of = tableSpec(spec, c.of);
        if (!of) unknown('PIPE024', [...base, 'of'], 'table', c.of, [...assets.keys()].filter((a) => !a.includes('/')), 'name a declared table');
        else if (!of.entities?.[c.entity] && !doubtful([...assetPath(c.of), 'entities', c.entity])) add('PIPE024', [...base, 'entity'], `\`${c.of}\` has no \`${c.entity}\` entity column`, `map \`${c.entity}\` under its \`entities:\``);
        if (t && !t.entities?.[c.entity] && !doubtful([...assetPath(c.table), 'entities', c.entity])) add('PIPE024', [...base, 'entity'], `\`${c.table}\` has no \`${c.entity}\` entity column`, `map \`${c.entity}\` under its \`entities:\``);
      }
    }
    if ((c.kind === 'row_count' || c.kind === 'coverage') && c.warn_below === undefined && c.fail_below === undefined && !doubtful([...base, 'warn_below'], [...base, 'fail_below']))
      add('PIPE041', base, `${c.kind} check \`${name}\` has no threshold`, 'add warn_below and/or fail_below', true);
    if (c.kind === 'coverage' && [c.warn_below, c.fail_below].some((v) => v !== undefined && v > 1))
      add('PIPE041', [...base, c.warn_below !== undefined && c.warn_below > 1 ? 'warn_below' : 'fail_below'], 'coverage thresholds are shares between 0 and 1', 'write 0.95 for 95%');
    if (c.warn_below !== undefined && c.fail_below !== undefined && c.fail_below > c.warn_below)
      add('PIPE041', [...base, 'fail_below'], `fail_below (${c.fail_below}) is above warn_below (${c.warn_below})`, 'the failure threshold must be the lower one');
    const warnAfter = c.warn_after ? parseDuration(c.warn_after) : undefined;
    const failAfter = c.fail_after ? parseDuration(c.fail_after) : undefined;
    if (warnAfter !== undefined && failAfter !== undefined && warnAfter > failAfter)
      add('PIPE041', [...base, 'warn_after'], `warn_after (${c.warn_after}) is longer than fail_after (${c.fail_after})`, 'a warning must come before the failure: make warn_after ≤ fail_after');
    if (c.kind === 'freshness' && !c.warn_after && !c.fail_after && !doubtful([...base, 'warn_after'], [...base, 'fail_after'])) add('PIPE041', base, `freshness check \`${name}\` has no warn_after or fail_after`, 'add warn_after and/or fail_after', true);
    if (c.deadline?.timezone && !validTimeZone(c.deadline.timezone)) add('PIPE036', [...base, 'deadline', 'timezone'], `unknown time zone \`${c.deadline.timezone}\``, timeZoneHint(c.deadline.timezone, 'America/New_York'));
    (c.sinks ?? []).forEach((s, i) => {
      if (!spec.alerts?.[s]) unknown('PIPE032', [...base, 'sinks', i], 'alert sink', s, sinks, 'declare it under `alerts:`');
    });
  }
  for (const [name, a] of Object.entries(spec.alerts ?? {})) {
    if (a.type === 'webhook' && !a.url && !a.url_env && !doubtful(['alerts', name, 'url'], ['alerts', name, 'url_env'])) add('PIPE005', ['alerts', name], `webhook sink \`${name}\` has neither url nor url_env`, 'add `url_env: NAME_OF_ENV_VAR` (or `url:`)', true);
  }
  return out;
}
