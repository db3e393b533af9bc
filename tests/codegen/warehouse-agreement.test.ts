// The tables Terraform and the DDL create are the tables the BigQuery warehouse expects: same
// columns, types, modes, partitioning and clustering as engine/backends/gcp's own layouts (which
// create missing tables at start-up), so whichever creates a table first, the other agrees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bqLayout, tableResource } from '../../engine/backends/gcp/bigquery-layout.js';
import { logTableResource } from '../../engine/backends/gcp/bigquery-log.js';
import { executionLogTable, ownedTables, SQL_TYPES, type BigQueryTable } from '../../engine/infra/bigquery-schema.js';
import { tableOf } from '../../engine/spec/plan.js';
import { nbaPlan } from './helpers.js';

interface Resource {
  schema: { fields: { name: string; type: string; mode: string }[] };
  timePartitioning?: { type: string; field: string };
  clustering?: { fields: string[] };
}

const generated = (t: BigQueryTable) => ({
  fields: t.columns.map((c) => ({ name: c.name, type: SQL_TYPES[c.type], mode: c.mode })),
  partition: { type: 'DAY', field: t.partitionColumn },
  clustering: [...t.clustering],
});
const warehouse = (r: Resource) => ({
  fields: r.schema.fields.map((f) => ({ name: f.name, type: f.type, mode: f.mode })),
  partition: r.timePartitioning,
  clustering: r.clustering?.fields ?? [],
});

describe('generated tables agree with the BigQuery warehouse', () => {
  const plan = nbaPlan();
  it('for every table of the spec', () => {
    for (const t of ownedTables(plan)) {
      const r = tableResource(bqLayout(tableOf(plan, t.ref)!, plan.partition.key, 'p')) as unknown as Resource;
      assert.deepEqual(generated(t), warehouse(r), t.ref);
    }
  });
  it('for the execution log', () => {
    assert.deepEqual(generated(executionLogTable(plan)), warehouse(logTableResource('p', '_pipeline') as unknown as Resource));
  });
});
