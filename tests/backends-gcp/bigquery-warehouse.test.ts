// The BigQuery warehouse at the HTTP boundary, against a local fake of the REST API: what each call
// sends (tables, load job, MERGE text and parameters, queries, insertAll) and how many calls it takes.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigQueryWarehouse } from '../../engine/backends/gcp/bigquery-warehouse.js';
import type { LogEntry } from '../../engine/ports.js';
import type { Plan } from '../../engine/spec/plan.js';
import { FakeBigQuery, type RecordedRequest } from './fake-bigquery.js';
import { gcpPlan, table } from './fixtures.js';

const PROJECT = 'test-bq';
const DAY = '2025-11-15';

const sqlOf = (r: RecordedRequest): string => r.body?.query ?? r.body?.configuration?.query?.query ?? '';
const paramsOf = (r: RecordedRequest) => Object.fromEntries(((r.body?.queryParameters ?? r.body?.configuration?.query?.queryParameters) as any[]).map((p) => [p.name, p]));

const row = (player: string, points: number, extra: unknown = null) => ({
  player_lookup: player,
  team_abbr: 'LAL',
  points,
  minutes: 31.5,
  usage: '0.251',
  starter: true,
  scraped_at: '2025-11-15T20:00:00Z',
  extra,
});

describe('BigQueryWarehouse (HTTP contract)', () => {
  const fake = new FakeBigQuery();
  let plan: Plan;
  let wh: BigQueryWarehouse;
  let sleeps: number[];

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    await fake.start();
    plan = gcpPlan();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    sleeps = [];
    wh = new BigQueryWarehouse({
      projectId: PROJECT,
      apiEndpoint: fake.url,
      location: 'us-west2',
      datasetPrefix: 'dev_',
      partitionKey: 'game_date',
      retry: { baseMs: 100, maxMs: 1000, sleep: async (ms) => void sleeps.push(ms) },
    });
    await wh.ensureTables(plan);
    fake.reset();
    fake.dmlStats = { insertedRowCount: '2', updatedRowCount: '1', deletedRowCount: '0' };
    fake.answer(/COUNT\(\*\) AS n/, { fields: [{ name: 'n', type: 'INTEGER' }], rows: [['3']] });
  });

  it('creates datasets and tables from the plan: schema, REQUIRED, DAY partitioning, clustering, the log table', async () => {
    const box = fake.tables.get('dev_nba_raw.boxscores');
    assert.deepEqual(box.schema.fields.slice(0, 4), [
      { name: 'game_date', type: 'DATE', mode: 'REQUIRED' },
      { name: 'player_lookup', type: 'STRING', mode: 'REQUIRED' },
      { name: 'team_abbr', type: 'STRING', mode: 'NULLABLE' },
      { name: 'points', type: 'INT64', mode: 'NULLABLE' },
    ]);
    assert.deepEqual(box.schema.fields.map((f: any) => f.type), ['DATE', 'STRING', 'STRING', 'INT64', 'FLOAT64', 'NUMERIC', 'BOOL', 'TIMESTAMP', 'JSON']);
    assert.deepEqual(box.timePartitioning, { type: 'DAY', field: 'game_date' });
    assert.deepEqual(box.clustering, { fields: ['player_lookup', 'team_abbr'] });
    assert.ok(fake.tables.has('dev_nba_raw.schedule'), 'external tables are created too (empty) so reads and stats work');
    assert.equal(fake.tables.get('dev_nba_analytics.summary').clustering, undefined, 'a table keyed by the partition alone has nothing to cluster');
    const log = fake.tables.get('dev__pipeline.execution_log');
    assert.deepEqual(log.timePartitioning, { type: 'DAY', field: 'ts' });
    assert.deepEqual(log.schema.fields[0], { name: 'ts', type: 'TIMESTAMP', mode: 'REQUIRED' });
    assert.deepEqual([...fake.datasets].sort(), ['dev__pipeline', 'dev_nba_analytics', 'dev_nba_raw']);

    // Idempotent: a second run only looks; a missing column is added (NULLABLE), nothing dropped.
    const t = fake.tables.get('dev_nba_analytics.summary');
    fake.tables.set('dev_nba_analytics.summary', { ...t, schema: { fields: t.schema.fields.slice(0, 1) } });
    await wh.ensureTables(plan);
    assert.deepEqual([...new Set(fake.kinds())].sort(), ['datasets.get', 'tables.get', 'tables.patch']);
    const patch = fake.of('tables.patch')[0]!;
    assert.equal(patch.path, `/bigquery/v2/projects/${PROJECT}/datasets/dev_nba_analytics/tables/summary`);
    assert.deepEqual(patch.body.schema.fields, [
      { name: 'game_date', type: 'DATE', mode: 'REQUIRED' },
      { name: 'players', type: 'INT64', mode: 'NULLABLE' },
    ]);
  });

  it('writes with one staging table, ONE load job and ONE MERGE, then counts and drops the staging', async () => {
    const before = wh.calls();
    const res = await wh.write(table(plan, 'nba_raw.boxscores'), {
      partition: DAY,
      mode: 'replace',
      rows: [row('lebron', 10, { shots: [[1, 2]] }), row('tatum', 7), row('lebron', 25)],
    });
    assert.deepEqual(res, { inserted: 2, updated: 1, deleted: 0, rows: 3 });
    assert.deepEqual(fake.kinds(), ['tables.insert', 'jobs.upload', 'jobs.get', 'jobs.insert', 'jobs.get', 'tables.delete', 'jobs.query']);

    const staging = fake.of('tables.insert')[0]!.body;
    assert.match(staging.tableReference.tableId, /^_staging_boxscores_[0-9a-f]{12}$/);
    assert.equal(staging.tableReference.datasetId, 'dev_nba_raw');
    const ttl = Number(staging.expirationTime) - Date.now();
    assert.ok(ttl > 59 * 60_000 && ttl <= 60 * 60_000, `staging expires in an hour (${ttl} ms)`);

    const upload = fake.of('jobs.upload')[0]!;
    assert.equal(upload.query.uploadType, 'multipart');
    const load = upload.body.configuration.load;
    assert.equal(load.sourceFormat, 'NEWLINE_DELIMITED_JSON');
    assert.deepEqual(load.destinationTable, { projectId: PROJECT, datasetId: 'dev_nba_raw', tableId: staging.tableReference.tableId });
    assert.equal(load.writeDisposition, 'WRITE_TRUNCATE');
    assert.deepEqual(load.schema.fields.find((f: any) => f.name === 'extra'), { name: 'extra', type: 'STRING', mode: 'NULLABLE' });
    assert.equal(upload.body.jobReference.location, 'us-west2');
    // De-duplicated by key before loading (the last lebron row wins), partition column filled in.
    const staged = upload.upload!.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(staged.map((r) => [r.player_lookup, r.points]), [['tatum', 7], ['lebron', 25]]);
    assert.deepEqual(staged[1], {
      game_date: DAY, player_lookup: 'lebron', team_abbr: 'LAL', points: 25, minutes: 31.5, usage: '0.251', starter: true,
      scraped_at: '2025-11-15T20:00:00.000Z', extra: null,
    });

    const merge = fake.of('jobs.insert')[0]!;
    const sql = sqlOf(merge);
    assert.match(sql, /^MERGE `test-bq\.dev_nba_raw\.boxscores` AS T\nUSING `test-bq\.dev_nba_raw\._staging_boxscores_[0-9a-f]{12}` AS S\n/);
    assert.match(sql, /\nON T\.`game_date` = @partition AND T\.`game_date` = S\.`game_date` AND T\.`player_lookup` = S\.`player_lookup`\n/);
    assert.match(sql, /WHEN MATCHED AND \(T\.`team_abbr` IS DISTINCT FROM S\.`team_abbr` OR .*TO_JSON_STRING\(T\.`extra`\) IS DISTINCT FROM TO_JSON_STRING\(PARSE_JSON\(S\.`extra`\)\)\) THEN\n  UPDATE SET `team_abbr` = S\.`team_abbr`, .*`extra` = PARSE_JSON\(S\.`extra`\)\n/);
    assert.match(sql, /WHEN NOT MATCHED BY TARGET THEN\n  INSERT \(`game_date`, `player_lookup`, .*`extra`\) VALUES \(S\.`game_date`, S\.`player_lookup`, .*PARSE_JSON\(S\.`extra`\)\)\n/);
    assert.match(sql, /WHEN NOT MATCHED BY SOURCE AND T\.`game_date` = @partition THEN\n  DELETE$/);
    assert.deepEqual(paramsOf(merge).partition, { name: 'partition', parameterType: { type: 'DATE' }, parameterValue: { value: DAY } });
    assert.equal(fake.of('tables.delete')[0]!.path.endsWith(`/tables/${staging.tableReference.tableId}`), true);
    assert.match(sqlOf(fake.of('jobs.query')[0]!), /^SELECT COUNT\(\*\) AS n FROM `test-bq\.dev_nba_raw\.boxscores` WHERE `game_date` = @partition$/);
    const after = wh.calls();
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
    assert.deepEqual(delta, { loadJobs: 1, mergeStatements: 1, dml: 1, queries: 1, insertAllBatches: 0, requests: 7, retries: 0 });
  });

  it('scopes a replace to its entities, and an upsert never deletes', async () => {
    await wh.write(table(plan, 'nba_raw.boxscores'), { partition: DAY, mode: 'replace', rows: [row('a', 1)], scope: { column: 'team_abbr', ids: ['LAL', 'BOS'] } });
    const scoped = fake.of('jobs.insert')[0]!;
    assert.match(sqlOf(scoped), /WHEN NOT MATCHED BY SOURCE AND T\.`game_date` = @partition AND T\.`team_abbr` IN UNNEST\(@scope_ids\) THEN\n  DELETE$/);
    assert.deepEqual(paramsOf(scoped).scope_ids.parameterValue, { arrayValues: [{ value: 'LAL' }, { value: 'BOS' }] });
    fake.reset();
    await wh.write(table(plan, 'nba_analytics.summary'), { partition: DAY, mode: 'upsert', rows: [{ players: 12 }] });
    const sql = sqlOf(fake.of('jobs.insert')[0]!);
    assert.doesNotMatch(sql, /NOT MATCHED BY SOURCE|DELETE/);
    assert.match(sql, /ON T\.`game_date` = @partition AND T\.`game_date` = S\.`game_date`\n/);
  });

  it('writes nothing for an empty upsert and ONE DELETE for an empty replace', async () => {
    const res = await wh.write(table(plan, 'nba_raw.boxscores'), { partition: DAY, mode: 'upsert', rows: [] });
    assert.deepEqual(res, { inserted: 0, updated: 0, deleted: 0, rows: 3 });
    assert.deepEqual(fake.kinds(), ['jobs.query']);
    fake.reset();
    fake.dmlStats = { insertedRowCount: '0', updatedRowCount: '0', deletedRowCount: '4' };
    const gone = await wh.write(table(plan, 'nba_raw.boxscores'), { partition: DAY, mode: 'replace', rows: [], scope: { column: 'player_lookup', ids: ['x'] } });
    assert.equal(gone.deleted, 4);
    assert.deepEqual(fake.kinds(), ['jobs.insert', 'jobs.get', 'jobs.query']);
    assert.equal(sqlOf(fake.of('jobs.insert')[0]!), 'DELETE FROM `test-bq.dev_nba_raw.boxscores` WHERE `game_date` = @partition AND `player_lookup` IN UNNEST(@scope_ids)');
  });

  it('rejects bad rows before sending anything', async () => {
    const box = table(plan, 'nba_raw.boxscores');
    await assert.rejects(wh.write(box, { partition: DAY, mode: 'replace', rows: [{ ...row('a', 1), points: 1.5 }] }), /row 0: column "points" value 1.5 is not an integer/);
    await assert.rejects(wh.write(box, { partition: DAY, mode: 'replace', rows: [{ ...row('a', 1), game_date: '2025-11-16' }] }), /game_date is "2025-11-16" but the write is for partition 2025-11-15/);
    await assert.rejects(wh.write(box, { partition: DAY, mode: 'replace', rows: [{ ...row('a', 1), nope: 1 }] }), /column "nope" is not declared/);
    await assert.rejects(wh.write(box, { partition: DAY, mode: 'replace', rows: [{ ...row('a', 1), player_lookup: null }] }), /part of the key/);
    assert.deepEqual(fake.requests, []);
  });

  it('never issues single-row DML: one statement per write whatever the row count', async () => {
    const box = table(plan, 'nba_raw.boxscores');
    const many = Array.from({ length: 1000 }, (_, i) => row(`p${i}`, i));
    for (let i = 0; i < 3; i++) await wh.write(box, { partition: DAY, mode: i === 1 ? 'upsert' : 'replace', rows: many });
    await wh.read(box, { partitions: [DAY] });
    await wh.stats(box, DAY);
    await wh.appendLog([{ ts: 1, event: 'run:started' }]);
    const statements = fake.requests.map(sqlOf).filter(Boolean);
    const dml = statements.filter((s) => /^\s*(MERGE|INSERT|UPDATE|DELETE)\b/i.test(s));
    assert.equal(dml.length, 3);
    assert.ok(dml.every((s) => s.startsWith('MERGE ')));
    assert.equal(fake.of('jobs.upload').length, 3);
    assert.equal(fake.of('jobs.upload')[0]!.upload!.trim().split('\n').length, 1000, 'all rows in the one load');
    const c = wh.calls();
    assert.deepEqual([c.loadJobs, c.mergeStatements, c.dml, c.insertAllBatches], [3, 3, 3, 1]);
  });

  it('reads partitions with one parameterised query and converts values to plain JavaScript', async () => {
    fake.pageSize = 1;
    fake.answer(/FROM `test-bq\.dev_nba_raw\.boxscores` WHERE/, {
      fields: ['game_date:DATE', 'player_lookup:STRING', 'team_abbr:STRING', 'points:INTEGER', 'minutes:FLOAT', 'usage:NUMERIC', 'starter:BOOLEAN', 'scraped_at:TIMESTAMP', 'extra:JSON'].map((f) => {
        const [name, type] = f.split(':');
        return { name: name!, type: type!, mode: 'NULLABLE' };
      }),
      rows: [
        [DAY, 'lebron', 'LAL', '25', '31.5', '0.251', 'true', '1763236800000000', '{"shots":[[1,2]]}'],
        [DAY, 'tatum', null, '7', null, '1', 'false', null, null],
      ],
    });
    const rows = await wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [DAY, '2025-11-14'], entities: { column: 'points', ids: ['25', '7'] } });
    fake.pageSize = 1000;
    assert.deepEqual(rows, [
      { game_date: DAY, player_lookup: 'lebron', team_abbr: 'LAL', points: 25, minutes: 31.5, usage: 0.251, starter: true, scraped_at: '2025-11-15T20:00:00.000Z', extra: { shots: [[1, 2]] } },
      { game_date: DAY, player_lookup: 'tatum', team_abbr: null, points: 7, minutes: null, usage: 1, starter: false, scraped_at: null, extra: null },
    ]);
    assert.deepEqual(fake.kinds(), ['jobs.query', 'jobs.getQueryResults'], 'the second page is fetched by page token');
    assert.equal(fake.of('jobs.getQueryResults')[0]!.query.pageToken, '1');
    const q = fake.of('jobs.query')[0]!;
    assert.equal(
      sqlOf(q),
      'SELECT `game_date`, `player_lookup`, `team_abbr`, `points`, `minutes`, `usage`, `starter`, `scraped_at`, `extra` FROM `test-bq.dev_nba_raw.boxscores` ' +
        'WHERE `game_date` IN UNNEST(@partitions) AND CAST(`points` AS STRING) IN UNNEST(@ids) ORDER BY `game_date`, `player_lookup`',
    );
    assert.deepEqual(paramsOf(q).partitions, { name: 'partitions', parameterType: { type: 'ARRAY', arrayType: { type: 'DATE' } }, parameterValue: { arrayValues: [{ value: DAY }, { value: '2025-11-14' }] } });
    assert.equal(q.body.location, 'us-west2');
    assert.deepEqual(q.body.formatOptions, { useInt64Timestamp: true });
    assert.deepEqual(await wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [] }), []);
  });

  it('follows an incomplete query with getQueryResults', async () => {
    fake.slowQueries = true;
    try {
      const res = await wh.write(table(plan, 'nba_analytics.summary'), { partition: DAY, mode: 'upsert', rows: [] });
      assert.equal(res.rows, 3);
    } finally {
      fake.slowQueries = false;
    }
    assert.deepEqual(fake.kinds(), ['jobs.query', 'jobs.getQueryResults']);
  });

  it('reads partition stats from INFORMATION_SCHEMA.PARTITIONS in one query', async () => {
    fake.answer(/INFORMATION_SCHEMA\.PARTITIONS/, {
      fields: [{ name: 'total_rows', type: 'INTEGER' }, { name: 'last_modified_time', type: 'TIMESTAMP' }],
      rows: [['412', '1763236800000000']],
    });
    const stats = await wh.stats(table(plan, 'nba_raw.schedule'), DAY);
    assert.deepEqual(stats, { rows: 412, updatedAt: Date.parse('2025-11-15T20:00:00Z') });
    const q = fake.of('jobs.query')[0]!;
    assert.equal(sqlOf(q), 'SELECT total_rows, last_modified_time FROM `test-bq.dev_nba_raw.INFORMATION_SCHEMA.PARTITIONS` WHERE table_name = @table AND partition_id = @partition_id');
    assert.equal(paramsOf(q).partition_id.parameterValue.value, '20251115');
    assert.equal(paramsOf(q).table.parameterValue.value, 'schedule');
    assert.equal(fake.requests.length, 1);
  });

  it('appends the log in one insertAll per batch, with insertIds, and queries it in one query', async () => {
    const entries: LogEntry[] = Array.from({ length: 100 }, (_, i) => ({
      ts: Date.parse('2025-11-15T20:00:00Z') + i, event: 'run:succeeded', executionId: `e${i}`, processor: 'load_box', partition: DAY,
      parents: ['p0'], reasons: ['ok'], rowsWritten: i, backfill: false, detail: { n: i }, durationMs: 1.5,
    }));
    await wh.appendLog(entries);
    assert.deepEqual(fake.kinds(), ['tabledata.insertAll']);
    const req = fake.of('tabledata.insertAll')[0]!;
    assert.equal(req.path, `/bigquery/v2/projects/${PROJECT}/datasets/dev__pipeline/tables/execution_log/insertAll`);
    assert.equal(req.body.rows.length, 100);
    assert.equal(new Set(req.body.rows.map((r: any) => r.insertId)).size, 100);
    assert.deepEqual(req.body.rows[1].json, {
      insert_id: req.body.rows[1].insertId, ts: '2025-11-15T20:00:00.001Z', event: 'run:succeeded', execution_id: 'e1', parents: '["p0"]',
      processor: 'load_box', partition: DAY, rows_written: 1, duration_ms: 1.5, reasons: '["ok"]', backfill: false, detail: '{"n":1}',
    });
    assert.equal(req.body.skipInvalidRows, false);

    fake.reset();
    await wh.appendLog(Array.from({ length: 1200 }, (_, i) => ({ ts: i, event: 'skip:duplicate' })));
    assert.deepEqual(fake.of('tabledata.insertAll').map((r) => r.body.rows.length), [500, 500, 200]);
    fake.reset();
    await wh.appendLog([]);
    assert.equal(fake.requests.length, 0);

    fake.answer(/execution_log/, {
      fields: [{ name: 'ts', type: 'INTEGER' }, { name: 'event', type: 'STRING' }, { name: 'execution_id', type: 'STRING' }, { name: 'reasons', type: 'JSON' }, { name: 'backfill', type: 'BOOLEAN' }],
      rows: [['1763236800000', 'run:succeeded', 'e1', '["ok"]', null]],
    });
    const got = await wh.queryLog({ processor: 'load_box', partition: DAY, since: 1000, limit: 10 });
    assert.deepEqual(got, [{ ts: 1763236800000, event: 'run:succeeded', executionId: 'e1', reasons: ['ok'] }]);
    const q = fake.of('jobs.query')[0]!;
    assert.match(sqlOf(q), /^SELECT UNIX_MILLIS\(ts\) AS ts, `event`, .* FROM `test-bq\.dev__pipeline\.execution_log` WHERE `processor` = @processor AND `partition` = @partition AND ts >= TIMESTAMP_MILLIS\(@since\) ORDER BY ts, insert_id LIMIT 10$/);
    assert.deepEqual(Object.keys(paramsOf(q)), ['processor', 'partition', 'since']);
  });

  it('surfaces insertAll row errors as an Error naming the refused rows', async () => {
    fake.insertErrorsNext([
      { index: 0, errors: [{ reason: 'stopped', message: '' }] },
      { index: 1, errors: [{ reason: 'invalid', location: 'detail', message: 'bad JSON' }] },
    ]);
    await assert.rejects(
      wh.appendLog([{ ts: 1, event: 'run:started', executionId: 'e0' }, { ts: 2, event: 'run:failed', executionId: 'e1' }]),
      (err: Error) => {
        assert.match(err.message, /refused a batch of 2 entries \(none written; 1 invalid\)/);
        assert.match(err.message, /row 1 \(run:failed e1\) invalid at detail: bad JSON/);
        assert.doesNotMatch(err.message, /row 0/);
        return true;
      },
    );
  });
});

describe('BigQueryWarehouse retries', () => {
  const fake = new FakeBigQuery();
  let plan: Plan;
  let wh: BigQueryWarehouse;
  let sleeps: number[];
  const write = () => wh.write(table(plan, 'nba_analytics.summary'), { partition: DAY, mode: 'upsert', rows: [{ players: 1 }] });

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    await fake.start();
    plan = gcpPlan();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    sleeps = [];
    wh = new BigQueryWarehouse({ projectId: PROJECT, apiEndpoint: fake.url, partitionKey: 'game_date', retry: { baseMs: 100, maxMs: 1000, sleep: async (ms) => void sleeps.push(ms) } });
    await wh.ensureTables(plan);
    fake.reset();
  });

  it('retries 403 rateLimitExceeded with exponential backoff, then succeeds', async () => {
    fake.failNext('jobs.insert', 3, { status: 403, reason: 'rateLimitExceeded' });
    await write();
    const merges = fake.of('jobs.insert');
    assert.deepEqual(merges.map((r) => r.status), [403, 403, 403, 200]);
    assert.equal(new Set(merges.map((r) => r.body.jobReference.jobId)).size, 1, 'the same job id on every attempt');
    assert.equal(sleeps.length, 3);
    sleeps.forEach((ms, i) => assert.ok(ms >= 100 * 2 ** i * 0.8 && ms <= 100 * 2 ** i * 1.2, `delay ${i}: ${ms}`));
    assert.equal(wh.calls().retries, 3);
    assert.equal(wh.calls().mergeStatements, 1);
  });

  it('retries 429 and 5xx on every kind of call: upload, jobs.get, query, insertAll, tables', async () => {
    fake.failNext('tables.insert', 1, { status: 503 });
    fake.failNext('jobs.upload', 1, { status: 500 });
    fake.failNext('jobs.get', 1, { status: 502 });
    fake.failNext('jobs.query', 1, { status: 429 });
    fake.failNext('tabledata.insertAll', 2, { status: 503 });
    fake.failNext('jobs.getQueryResults', 1, { status: 500 });
    fake.answer(/COUNT/, { fields: [{ name: 'n', type: 'INTEGER' }], rows: [['1']] });
    assert.equal((await write()).rows, 1);
    await wh.appendLog([{ ts: 1, event: 'x' }]);
    fake.slowQueries = true;
    await wh.stats(table(plan, 'nba_raw.boxscores'), DAY).finally(() => (fake.slowQueries = false));
    const firstFailure = { 'tables.insert': 503, 'jobs.upload': 500, 'jobs.get': 502, 'jobs.query': 429, 'jobs.getQueryResults': 500 } as const;
    for (const [kind, status] of Object.entries(firstFailure)) {
      assert.deepEqual(fake.of(kind as keyof typeof firstFailure).map((r) => r.status).slice(0, 2), [status, 200], kind);
    }
    assert.deepEqual(fake.of('tabledata.insertAll').map((r) => r.status), [503, 503, 200]);
    assert.equal(fake.of('tabledata.insertAll')[0]!.body.rows[0].insertId, fake.of('tabledata.insertAll')[2]!.body.rows[0].insertId, 'same insertIds: BigQuery dedupes');
    const uploads = fake.of('jobs.upload');
    assert.equal(uploads[0]!.body.jobReference.jobId, uploads[1]!.body.jobReference.jobId);
    assert.equal(uploads[1]!.upload, uploads[0]!.upload, 'the data is sent again in full');
    assert.equal(wh.calls().loadJobs, 1);
  });

  it('follows a job whose insert went through although the response was lost (409 on retry)', async () => {
    fake.failNext('jobs.upload', 1, { status: 503, applied: true });
    await write();
    assert.deepEqual(fake.of('jobs.upload').map((r) => r.status), [503, 409]);
    assert.equal(fake.of('jobs.get').length, 2, 'the existing load job is followed, then the MERGE');
  });

  it('re-runs a job that failed for a transient reason as a new job', async () => {
    fake.failJobs('load', 1, 'backendError');
    fake.failJobs('query', 1, 'invalidQuery', 'Transaction is aborted due to concurrent update against table');
    await write();
    const uploads = fake.of('jobs.upload');
    assert.equal(uploads.length, 2);
    assert.notEqual(uploads[0]!.body.jobReference.jobId, uploads[1]!.body.jobReference.jobId);
    assert.equal(fake.of('jobs.insert').length, 2);
    assert.equal(wh.calls().mergeStatements, 1);
  });

  it('gives up after the attempts are spent, and never retries a non-transient error', async () => {
    fake.failNext('jobs.query', 5, { status: 503 });
    await assert.rejects(wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [DAY] }), /jobs\.query: gave up after 5 attempts/);
    assert.equal(fake.of('jobs.query').length, 5);
    assert.equal(new Set(fake.of('jobs.query').map((r) => r.body.requestId)).size, 5, 'a read is re-run under a fresh requestId');
    assert.equal(sleeps.length, 4);
    fake.reset();
    fake.failNext('jobs.query', 1, { status: 403, reason: 'accessDenied' });
    await assert.rejects(wh.read(table(plan, 'nba_raw.boxscores'), { partitions: [DAY] }), /403 accessDenied/);
    assert.equal(fake.of('jobs.query').length, 1);
    fake.reset();
    fake.failJobs('query', 1, 'invalidQuery', 'Syntax error');
    await assert.rejects(write(), /MERGE failed \(invalidQuery\): Syntax error/);
    assert.equal(fake.of('tables.delete').length, 1, 'the staging table is dropped even when the MERGE fails');
  });
});
