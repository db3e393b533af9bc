// Error recovery after the schema check. A spec with schema errors is cut down to the part that passed
// (each rejected value removed, and its owner when the value was required), so the reference and graph
// checks still run on the rest in the same pass. What was cut is remembered in a Recovery, which later
// checks ask before reporting: a consequence of a value already reported (a cascade) is not reported.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { pointerToPath, pruneOneOfBranches } from './check-schema.js';
import type { PathSeg } from './source-map.js';

/** Stands for a key that is not a name (`? [a, b]`) in a path of what was left out. */
export const UNNAMED_KEY = '\u0000unnamed key';

/** Values standing in for missing or rejected top-level keys: schema-valid, empty, and marked as cut. */
const PLACEHOLDERS: Record<string, () => unknown> = {
  version: () => 1,
  name: () => 'pipeline',
  partition: () => ({ key: 'partition' }),
  datasets: () => ({}),
  phases: () => ({}),
  processors: () => ({}),
};

/** Enough rounds for the deepest path of the language (a value inside a read's window) to climb to the top. */
const MAX_ROUNDS = 12;

const keyOf = (path: readonly PathSeg[]) => path.join('\u0000');

/** What error recovery removed from the spec, for the checks that run on the rest. */
export class Recovery {
  private readonly cut = new Set<string>();
  private readonly list: { path: readonly PathSeg[]; value: unknown }[] = [];
  /** Every cut path and all its prefixes. */
  private readonly under = new Set<string>();
  private readonly mentioned = new Set<string>();

  /** Records that the value at `path` is left out of later checks; `value` is its content before the cut. */
  record(path: readonly PathSeg[], value: unknown): void {
    if (!this.cut.has(keyOf(path))) this.list.push({ path: [...path], value });
    this.cut.add(keyOf(path));
    for (let i = 0; i <= path.length; i++) this.under.add(keyOf(path.slice(0, i)));
    const last = path[path.length - 1];
    if (typeof last === 'string') this.mentioned.add(last);
    const stack = [value];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v === 'string') this.mentioned.add(v);
      else if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (v && typeof v === 'object')
        for (const [k, inner] of Object.entries(v)) {
          this.mentioned.add(k);
          stack.push(inner);
        }
    }
  }

  /** The values cut (their content before the cut), in the order they were. */
  get cuts(): readonly { readonly path: readonly PathSeg[]; readonly value: unknown }[] {
    return this.list;
  }

  /** Whether the value at `path`, or a value holding it, was cut. */
  covers(path: readonly PathSeg[]): boolean {
    if (!this.cut.size) return false;
    for (let i = 0; i <= path.length; i++) if (this.cut.has(keyOf(path.slice(0, i)))) return true;
    return false;
  }

  /** Whether anything at or under `path` was cut. */
  touches(path: readonly PathSeg[]): boolean {
    return this.under.has(keyOf(path)) || this.covers(path);
  }

  /** Whether a cut value named `name`, as a key or a string (a cut processor writing `raw.games`). */
  mentions(name: string): boolean {
    return this.mentioned.has(name);
  }

  private readonly doubted = new Set<string>();

  /** Records that whether something sets processor `name` in motion is unknown (what would fire it was cut or is misspelt). */
  doubt(name: string): void {
    this.doubted.add(name);
  }

  doubts(name: string): boolean {
    return this.unresolvedFiring || this.doubted.has(name);
  }

  /** A gate, stage or schedule names a member or target that does not resolve, and not like any known name: what it meant is unknown. */
  unresolvedFiring = false;

  /** A processor writes a table or collection that does not resolve: which one it meant is unknown. */
  unresolvedWrites = false;
}

/** Schema errors the cut-down spec may keep: a repeated list item harms no later check. */
const HARMLESS = new Set(['uniqueItems']);

/**
 * Cuts every value the schema rejects from a copy of `data`, revalidating until the rest passes.
 * Returns undefined when that does not converge (the later checks are then skipped).
 */
export function recoverSpec(data: Record<string, unknown>, errors: readonly ErrorObject[], validate: ValidateFunction, recovery = new Recovery()): { spec: Record<string, unknown>; recovery: Recovery } | undefined {
  if (!errors.length) return { spec: data, recovery };
  const spec = structuredClone(data);
  let pending = actionable(errors);
  for (let round = 0; round < MAX_ROUNDS && pending.length; round++) {
    for (const e of pending) {
      const path = pointerToPath(e.instancePath);
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      const params = e.params as Record<string, unknown>;
      if (name !== undefined) cut(spec, [...path, name], recovery);
      else if (e.keyword === 'additionalProperties') cut(spec, [...path, String(params.additionalProperty)], recovery);
      else if (e.keyword === 'required' && !path.length) {
        const key = String(params.missingProperty);
        const fill = PLACEHOLDERS[key];
        if (fill && spec[key] === undefined) {
          recovery.record([key], undefined);
          spec[key] = fill();
        }
      } else cut(spec, path, recovery);
    }
    pending = validate(spec) ? [] : actionable(validate.errors ?? []);
  }
  return pending.length ? undefined : { spec, recovery };
}

function actionable(errors: readonly ErrorObject[]): ErrorObject[] {
  return pruneOneOfBranches(errors).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if' && e.keyword !== 'propertyNames' && !HARMLESS.has(e.keyword));
}

/**
 * Removes the value at `path`. A list loses all its items at once: removing one would renumber the
 * rest, and positions are found by path. A required value is not put back: the next round finds its
 * owner incomplete and cuts the owner.
 */
function cut(root: Record<string, unknown>, path: readonly PathSeg[], recovery: Recovery): void {
  let at = [...path];
  while (at.length > 1 && Array.isArray(valueAt(root, at.slice(0, -1)))) at = at.slice(0, -1);
  if (!at.length) return;
  const parent = valueAt(root, at.slice(0, -1));
  const key = at[at.length - 1]!;
  if (!parent || typeof parent !== 'object' || Array.isArray(parent) || !Object.hasOwn(parent, key)) return;
  const holder = parent as Record<string, unknown>;
  recovery.record(at, holder[key as string]);
  delete holder[key as string];
}

function valueAt(root: unknown, path: readonly PathSeg[]): unknown {
  let v = root;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}
