// `pipeline ls [KIND] [PATTERN]`: the spec at a glance — processors, tables, gates, stages and
// schedules — filtered by name, phase, what is read or written; and `pipeline schedule list`, each
// schedule with its next fires in the pipeline's time zone. Read from the spec only (no state).
import type { Command } from 'commander';
import { didYouMean } from '../../spec/diagnostics.js';
import type { Plan } from '../../spec/plan.js';
import { KINDS, listRows, nextFires, table, type ListFilter, type ListKind } from '../render/listing.js';
import { parsePhase, parsePositiveInt } from '../args.js';
import { UsageError } from '../errors.js';
import { examples } from '../examples.js';
import type { CliIO } from '../io.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

const COLUMNS: Record<ListKind, string[]> = {
  processors: ['name', 'phase', 'writes', 'reads', 'triggers', 'scopes', 'by'],
  tables: ['name', 'kind', 'writer', 'readers', 'key'],
  gates: ['name', 'waits_for', 'fires', 'deadline'],
  stages: ['name', 'levels', 'fired_by'],
  schedules: ['name', 'cron', 'target', 'partition', 'next'],
};

function parseKind(value: string | undefined): ListKind | undefined {
  if (value === undefined) return undefined;
  const k = KINDS.find((x) => x === value || x === `${value}s`);
  if (k) return k;
  const guess = didYouMean(value, KINDS);
  throw new UsageError(`${JSON.stringify(value)} is not something to list${guess ? ` (did you mean ${guess}?)` : ''}`, `pipeline ls [${KINDS.join('|')}] [PATTERN]`);
}

function parseAt(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--at ${JSON.stringify(value)} is not a time`, '--at 2025-11-15T14:00:00Z (ISO 8601)');
  return at;
}

function assetArg(plan: Plan, value: string | undefined, flag: string): string | undefined {
  if (value === undefined || plan.assets.has(value) || plan.processors.has(value)) return value;
  const guess = didYouMean(value, [...plan.assets.keys(), ...plan.processors.keys()]);
  throw new UsageError(`${flag} ${JSON.stringify(value)} is no table, collection or processor of the spec${guess ? ` (did you mean ${guess}?)` : ''}`, `${flag} dataset.table | objects/NAME | PROCESSOR`);
}

function list(io: CliIO, plan: Plan, kinds: readonly ListKind[], f: ListFilter, now: number, json: boolean): void {
  const result = Object.fromEntries(kinds.map((k) => [k, listRows(plan, k, f, now)]));
  if (json) return io.out(JSON.stringify(result, null, 2));
  const blocks = kinds.map((k) => {
    const rows = result[k]!;
    const title = `${k} (${rows.length})`;
    return rows.length ? [title, ...table(rows, COLUMNS[k]).map((l) => `  ${l}`)].join('\n') : `${title}: none${f.match || f.phase || f.reads || f.writes ? ' match' : ''}`;
  });
  io.out(blocks.join('\n\n'));
}

const fileOf = (c: Command) => (c.optsWithGlobals() as { file?: string }).file;

export const ls: Registrar = (program, io) => {
  examples(program
    .command('ls')
    .description('list the processors, tables, gates, stages and schedules of the spec (all, or one kind), filtered')
    .argument('[kind]', KINDS.join(' | '))
    .argument('[pattern]', 'names containing this text, or matching it with * wildcards')
    .option('--phase <phase>', 'only what belongs to this phase (name or number)')
    .option('--reads <asset>', 'processors reading this table or collection; tables this processor reads')
    .option('--writes <asset>', 'processors writing this table or collection; tables this processor writes')
    .option('--at <time>', 'compute next schedule fires from this time (ISO 8601; default now)')
    .option('--json', 'print as JSON'), io, program, (n) => [
    'pipeline ls', `pipeline ls processors --phase ${n.phase}`, `pipeline ls processors --reads ${n.table}`, `pipeline ls tables '${n.table.split('.')[0]}.*'`, 'pipeline ls schedules --json',
  ])
    .action((kind: string | undefined, pattern: string | undefined, o: { phase?: string; reads?: string; writes?: string; at?: string; json?: boolean }, c: Command) => {
      const k = parseKind(kind);
      const now = parseAt(o.at);
      const plan = requirePlan(io, fileOf(c));
      const f: ListFilter = { match: pattern, phase: o.phase === undefined ? undefined : parsePhase(plan, o.phase, '--phase'), reads: assetArg(plan, o.reads, '--reads'), writes: assetArg(plan, o.writes, '--writes') };
      list(io, plan, k ? [k] : KINDS, f, now, !!o.json);
    });
};

/** `pipeline schedule list`: registered on the `schedule` group of ops.ts. */
export function scheduleList(group: Command, io: CliIO): void {
  examples(group
    .command('list')
    .description("every schedule with its cron, target and next fires in the pipeline's time zone (with the partition each runs)")
    .option('--next <n>', 'how many next fires to show', '1')
    .option('--at <time>', 'from this time (ISO 8601; default now)')
    .option('--json', 'print as JSON'), io, group.parent!, (n) => ['pipeline schedule list', 'pipeline schedule list --next 3', `pipeline schedule list --at ${n.date}T12:00:00Z --json`])
    .action((o: { next: string; at?: string; json?: boolean }, c: Command) => {
      const count = parsePositiveInt(o.next, '--next', 100);
      const now = parseAt(o.at);
      const plan = requirePlan(io, fileOf(c));
      const rows = [...plan.schedules.values()].map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone, target: `${s.target.kind} ${s.target.name}`, partition: s.partition, next: nextFires(plan, s, now, count) }));
      if (o.json) return io.out(JSON.stringify(rows, null, 2));
      if (!rows.length) return io.out(`${plan.file} declares no schedules`);
      io.out(`schedules of ${plan.name} — next fires from ${new Date(now).toISOString()}, in ${plan.partition.timezone} (the pipeline's time zone)`);
      for (const r of rows) {
        io.out(`  ${r.name}  ${r.cron} (${r.timezone})  → ${r.target}, partition ${r.partition}`);
        for (const n of r.next) io.out(`      ${n.local}  runs ${n.partition}`);
      }
    });
}
