// Rows a processor returns, checked against the declared columns before anything is written
// (a bad row fails the run naming row index, column and value), and grouped by entity with a
// content hash per group, from which the engine derives the changed-entity set.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../spec/build-plan.js';
import type { ColumnPlan, TablePlan } from '../spec/plan.js';
import type { EntityGroup } from '../core/scope.js';
import type { Row } from '../ports.js';
import { RowValidationError } from './processor.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function typeOk(c: ColumnPlan, v: unknown): boolean {
  switch (c.type) {
    case 'string':
      return typeof v === 'string';
    case 'int64':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float64':
    case 'numeric':
      return typeof v === 'number' && Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && DATE_RE.test(v);
    case 'timestamp':
      return (typeof v === 'string' && !Number.isNaN(Date.parse(v))) || v instanceof Date;
    case 'json':
      return true;
  }
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Normalize and check rows: fills the partition column, nulls for missing nullable columns. */
export function checkRows(table: TablePlan, partitionKey: string, partition: string, rows: readonly Row[]): Row[] {
  const cols = new Map(table.columns.map((c) => [c.name, c] as const));
  return rows.map((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new RowValidationError(`row ${i} for ${table.ref} is not an object: ${show(row)}`);
    for (const k of Object.keys(row)) {
      if (!cols.has(k)) throw new RowValidationError(`row ${i} for ${table.ref}: column \`${k}\` is not declared (value ${show(row[k])}); declare it under ${table.ref}'s columns in the spec`);
    }
    const out: Row = {};
    for (const c of table.columns) {
      let v = row[c.name];
      if (c.name === partitionKey) {
        if (v !== undefined && v !== null && v !== partition) throw new RowValidationError(`row ${i} for ${table.ref}: \`${c.name}\` is ${show(v)}, but the run writes partition ${partition}`);
        v = partition;
      }
      if (v === undefined || v === null) {
        if (!c.nullable) throw new RowValidationError(`row ${i} for ${table.ref}: column \`${c.name}\` is required (not nullable) but is ${v === null ? 'null' : 'missing'}`);
        out[c.name] = null;
        continue;
      }
      if (!typeOk(c, v)) throw new RowValidationError(`row ${i} for ${table.ref}: column \`${c.name}\` must be ${c.type}, found ${show(v)}`);
      out[c.name] = v instanceof Date ? v.toISOString() : v;
    }
    return out;
  });
}

export function keyOf(table: TablePlan, row: Row): string {
  return table.key.map((k) => String(row[k])).join('\u0001');
}

/** Rows grouped by their entity values (all entity columns), each group hashed by content. */
export function entityGroups(table: TablePlan, rows: readonly Row[]): Record<string, EntityGroup> {
  const kinds = Object.entries(table.entities);
  const byGroup = new Map<string, { entities: Record<string, string>; rows: string[] }>();
  for (const row of rows) {
    const entities: Record<string, string> = {};
    for (const [kind, col] of kinds) entities[kind] = row[col] === null || row[col] === undefined ? '' : String(row[col]);
    const gk = kinds.length ? kinds.map(([k]) => entities[k]).join('\u0001') : '*';
    let g = byGroup.get(gk);
    if (!g) byGroup.set(gk, (g = { entities, rows: [] }));
    g.rows.push(canonicalJson(row));
  }
  const out: Record<string, EntityGroup> = {};
  for (const [gk, g] of byGroup) {
    const h = createHash('sha1');
    for (const r of g.rows.sort()) h.update(r).update('\n');
    out[gk] = { hash: h.digest('hex').slice(0, 20), entities: g.entities };
  }
  return out;
}

export function contentHash(body: Buffer | string): string {
  return createHash('sha1').update(body).digest('hex').slice(0, 20);
}
