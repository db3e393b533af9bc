// What BigQuery refuses, through the warehouse: the fake refuses a MERGE into a table that does not
// exist, a load whose rows do not fit the staging schema, a write without its partition filter and a
// read of a missing table — and the warehouse surfaces each as one clear error, not retried, with its
// staging table dropped. What this cannot catch: SQL BigQuery would not parse, type coercions in the
// MERGE, quotas; those need a real project (see BENCHMARKS.md, "Firestore and BigQuery calls per run").
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigQueryWarehouse } from '../../engine/backends/gcp/bigquery-warehouse.js';
import type { Plan } from '../../engine/spec/plan.js';
import { FakeBigQuery } from './fake-bigquery.js';
import { gcpPlan, table } from './fixtures.js';

const PROJECT = 'test-bq';
const DAY = '2025-11-15';

describe('BigQuery refusals, through the warehouse', () => {
  const fake = new FakeBigQuery();
  let plan: Plan;
  let wh: BigQueryWarehouse;
  const write = () => wh.write(table(plan, 'nba_analytics.summary'), { partition: DAY, mode: 'replace', rows: [{ players: 1 }] });

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    await fake.start();
    plan = gcpPlan();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    wh = new BigQueryWarehouse({ projectId: PROJECT, apiEndpoint: fake.url, partitionKey: 'game_date', retry: { baseMs: 1, maxMs: 2, sleep: async () => undefined } });
    await wh.ensureTables(plan);
    fake.reset();
  });

  it('a write into a table that is gone: the MERGE fails notFound, once, and the staging is dropped', async () => {
    fake.tables.delete('nba_analytics.summary');
    await assert.rejects(write(), /MERGE failed \(notFound\): Not found: Table test-bq:nba_analytics\.summary/);
    assert.equal(fake.of('jobs.insert').length, 1, 'not retried');
    assert.equal(fake.of('tables.delete').length, 1, 'staging dropped');
  });

  it('a read of a table that is gone: notFound, not retried', async () => {
    fake.tables.delete('nba_raw.boxscores');
    await assert.rejects(wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [DAY] }), /Not found: Table test-bq:nba_raw\.boxscores/);
    assert.equal(fake.of('jobs.query').length, 1);
  });

  it('every statement the warehouse sends passes the fake\'s checks (writes, reads, stats, the log)', async () => {
    await write();
    await wh.write(table(plan, 'nba_raw.boxscores'), { partition: DAY, mode: 'upsert', rows: [{ player_lookup: 'a', team_abbr: 'LAL', points: 1, minutes: 1, usage: '0.1', starter: true, scraped_at: '2025-11-15T20:00:00Z', extra: null }] });
    await wh.write(table(plan, 'nba_raw.boxscores'), { partition: DAY, mode: 'replace', rows: [], scope: { column: 'team_abbr', ids: ['LAL'] } });
    await wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [DAY] });
    await wh.stats(table(plan, 'nba_raw.boxscores'), DAY);
    assert.deepEqual(fake.requests.filter((r) => r.status >= 400).map((r) => `${r.kind} ${r.status}`), []);
  });
});

describe('the fake refuses what BigQuery would', () => {
  const fake = new FakeBigQuery();
  before(async () => {
    await fake.start();
    fake.datasets.add('d');
    fake.tables.set('d.t', { tableReference: { datasetId: 'd', tableId: 't' }, schema: { fields: [{ name: 'day', type: 'DATE', mode: 'REQUIRED' }, { name: 'v', type: 'INT64', mode: 'NULLABLE' }] }, timePartitioning: { type: 'DAY', field: 'day' } });
  });
  after(() => fake.stop());

  async function job(configuration: unknown, upload?: string): Promise<{ reason?: string; message?: string }> {
    const jobId = `j${Math.random().toString(36).slice(2)}`;
    const body = { jobReference: { projectId: 'p', jobId }, configuration };
    const res = upload === undefined
      ? await fetch(`${fake.url}/bigquery/v2/projects/p/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      : await fetch(`${fake.url}/upload/bigquery/v2/projects/p/jobs?uploadType=multipart`, {
        method: 'POST', headers: { 'content-type': 'multipart/related; boundary=B' },
        body: `--B\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(body)}\r\n--B\r\ncontent-type: application/octet-stream\r\n\r\n${upload}\r\n--B--`,
      });
    assert.equal(res.status, 200);
    const done = await (await fetch(`${fake.url}/bigquery/v2/projects/p/jobs/${jobId}`)).json() as { status: { errorResult?: { reason: string; message: string } } };
    return done.status.errorResult ?? {};
  }
  const query = (sql: string) => job({ query: { query: sql, useLegacySql: false } });
  const load = (rows: unknown[]) => job({ load: { destinationTable: { projectId: 'p', datasetId: 'd', tableId: 't' }, sourceFormat: 'NEWLINE_DELIMITED_JSON' } }, rows.map((r) => JSON.stringify(r)).join('\n'));

  it('a MERGE or DELETE without the partition filter', async () => {
    assert.equal((await query('MERGE `p.d.t` AS T USING `p.d.t` AS S ON T.`v` = S.`v` WHEN NOT MATCHED BY TARGET THEN INSERT (`day`) VALUES (S.`day`)')).reason, 'invalidQuery');
    assert.equal((await query('DELETE FROM `p.d.t` WHERE `v` = @v')).reason, 'invalidQuery');
    assert.equal((await query('MERGE `p.d.t` AS T USING `p.d.t` AS S ON T.`day` = @partition AND T.`v` = S.`v` WHEN NOT MATCHED BY TARGET THEN INSERT (`day`) VALUES (S.`day`)')).reason, undefined);
    assert.equal((await query('DELETE FROM `p.d.t` WHERE `day` = @partition')).reason, undefined);
  });

  it('a statement on a table that does not exist', async () => {
    assert.deepEqual(await query('DELETE FROM `p.d.nope` WHERE `day` = @partition'), { reason: 'notFound', message: 'Not found: Table p:d.nope was not found in location US' });
  });

  it('a load with a field the schema lacks, or without a REQUIRED field', async () => {
    assert.match((await load([{ day: '2025-11-15', v: 1, extra: 2 }])).message ?? '', /No such field: extra/);
    assert.match((await load([{ day: '2025-11-15' }, { v: 1 }])).message ?? '', /row 1: Missing required field: day/);
    assert.deepEqual(await load([{ day: '2025-11-15', v: 1 }]), {});
  });
});
