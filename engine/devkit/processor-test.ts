// `pipeline/testing`: run one processor of a spec in a unit test, through the engine's own executor
// and context (declared reads only, output rows checked against the table's columns and key), on
// in-memory backends seeded with the rows and objects the test gives. No bus, no state, no cascade:
// what the processor wrote comes back for the test to assert on.
//
//   const out = await runProcessor(SPEC, 'daily_sales', { partition: '2025-03-01', tables: { 'shop.orders': [...] } });
//   assert.deepEqual(out.rows, [...]);
import { openMemoryBackends } from '../backends/memory/index.js';
import type { Row } from '../ports.js';
import type { Scope } from '../core/types.js';
import { ModuleExecutor } from '../runtime/executor.js';
import { didYouMean, hasErrors, renderDiagnostics } from '../spec/diagnostics.js';
import { loadPlan } from '../spec/index.js';
import type { Plan } from '../spec/plan.js';

export interface ProcessorTestInput {
  /** The run's partition (YYYY-MM-DD). */
  partition: string;
  /** Rows of input tables by table; a row without the partition column belongs to `partition`. */
  tables?: Record<string, Row[]>;
  /** Objects of input collections: collection (`objects/NAME`) → object path → body (JSON or text). */
  objects?: Record<string, Record<string, unknown>>;
  /** The processor's `ctx.env` (default: none). */
  env?: Record<string, string | undefined>;
  /** Run for these entities only (default: the whole partition). */
  scope?: Scope | null;
}

export interface ProcessorTestResult {
  /** The rows for the output table, checked as the engine checks them (last row wins per key). */
  rows: Row[];
  /** Objects written: collection → path → body (parsed when JSON). */
  objects: Record<string, Record<string, unknown>>;
  /** Documents written: collection → path → document. */
  documents: Record<string, Record<string, Record<string, unknown>>>;
  logs: Array<{ level: string; message: string; detail?: Record<string, unknown> }>;
}

const plans = new Map<string, Plan>();

function planOf(spec: string): Plan {
  let plan = plans.get(spec);
  if (!plan) {
    const r = loadPlan(spec, { checkModules: false });
    if (!r.plan || hasErrors(r.diagnostics)) throw new Error(`${spec} is invalid:\n${renderDiagnostics(r.diagnostics, { sources: r.text ? { [spec]: r.text } : {} })}`);
    plans.set(spec, (plan = r.plan));
  }
  return plan;
}

/** Run processor `name` of the spec at path `spec` once, with the given inputs. */
export async function runProcessor(spec: string | URL, name: string, input: ProcessorTestInput): Promise<ProcessorTestResult> {
  const plan = planOf(spec instanceof URL ? decodeURIComponent(spec.pathname) : spec);
  const processor = plan.processors.get(name);
  if (!processor) {
    const guess = didYouMean(name, plan.processors.keys());
    throw new Error(`${plan.file} has no processor ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  const backends = openMemoryBackends({ now: Date.parse(`${input.partition}T12:00:00Z`) });
  const key = plan.partition.key;
  for (const [ref, rows] of Object.entries(input.tables ?? {})) {
    const table = plan.assets.get(ref);
    if (table?.kind !== 'table') throw new Error(`${ref} is not a table of ${plan.file}`);
    const byPartition = new Map<string, Row[]>();
    for (const r of rows) {
      const d = String(r[key] ?? input.partition);
      byPartition.set(d, [...(byPartition.get(d) ?? []), { ...r, [key]: d }]);
    }
    for (const [partition, part] of byPartition) await backends.warehouse.write(table, { partition, rows: part, mode: 'upsert' });
  }
  for (const [ref, objects] of Object.entries(input.objects ?? {})) {
    const a = plan.assets.get(ref);
    if (a?.kind !== 'objects') throw new Error(`${ref} is not an object collection of ${plan.file}`);
    for (const [p, body] of Object.entries(objects)) await backends.objects.put(a.bucket, p, typeof body === 'string' ? body : JSON.stringify(body));
  }
  const out = await new ModuleExecutor(input.env ?? {}).execute(plan, backends, {
    processor, partition: input.partition, scope: input.scope ?? null, executionId: 'test-run', correlationId: 'test-run',
    attempt: 1, backfill: null, signal: new AbortController().signal,
  });
  const result: ProcessorTestResult = { rows: out.rows ?? [], objects: {}, documents: {}, logs: out.logs };
  for (const [ref, paths] of out.written) {
    const a = plan.assets.get(ref)!;
    for (const p of paths.keys()) {
      if (a.kind === 'objects') {
        const o = await backends.objects.get(a.bucket, p);
        const text = o?.body.toString('utf8') ?? '';
        (result.objects[ref] ??= {})[p] = o?.contentType === 'application/json' ? JSON.parse(text) : text;
      } else if (a.kind === 'documents') {
        (result.documents[ref] ??= {})[p] = (await backends.documents.get(p)) ?? {};
      }
    }
  }
  return result;
}
