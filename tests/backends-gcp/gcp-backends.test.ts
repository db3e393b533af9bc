// `openGcpBackends` wiring: project, dataset prefix, bucket overrides and API endpoints from the
// environment (against the local BigQuery and Cloud Storage fakes; Firestore and Pub/Sub clients are
// made but not called — their stores have their own emulator tests).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketNames, openGcpBackends, projectIdOf } from '../../engine/backends/gcp/index.js';
import { FakeBigQuery } from './fake-bigquery.js';
import { FakeGcs } from './fake-gcs.js';
import { gcpPlan } from './fixtures.js';

const PROJECT = 'test-gcp-backends';

describe('openGcpBackends', () => {
  const bq = new FakeBigQuery();
  const gcs = new FakeGcs();
  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    await Promise.all([bq.start(), gcs.start()]);
  });
  after(() => Promise.all([bq.stop(), gcs.stop()]));

  it('takes the project from PIPELINE_PROJECT, else the spec', () => {
    const plan = gcpPlan();
    assert.equal(projectIdOf(plan, {}), 'spec-project');
    assert.equal(projectIdOf(plan, { PIPELINE_PROJECT: 'other' }), 'other');
  });

  it('maps plan bucket names to PIPELINE_BUCKET_<ALIAS> overrides', () => {
    const plan = gcpPlan();
    assert.deepEqual([...bucketNames(plan, {})], [['spec-scraped-bucket', 'spec-scraped-bucket']]);
    assert.deepEqual([...bucketNames(plan, { PIPELINE_BUCKET_SCRAPED: 'ci-scraped' })], [['spec-scraped-bucket', 'ci-scraped']]);
  });

  it('opens every backend from the plan and the environment', async () => {
    const plan = gcpPlan();
    const backends = await openGcpBackends({
      plan,
      env: {
        PIPELINE_PROJECT: PROJECT,
        PIPELINE_DATASET_PREFIX: 'ci_',
        PIPELINE_BUCKET_SCRAPED: 'ci-scraped',
        PIPELINE_BIGQUERY_ENDPOINT: bq.url,
        PIPELINE_STORAGE_ENDPOINT: gcs.url,
      },
    });
    try {
      assert.equal(backends.kind, 'gcp');
      assert.equal(backends.projectId, PROJECT);
      assert.ok(Math.abs(backends.clock.now() - Date.now()) < 1000);
      await backends.warehouse.ensureTables(plan);
      assert.ok(bq.datasets.has('ci_nba_raw') && bq.datasets.has('ci__pipeline'));
      assert.ok(bq.requests.every((r) => r.path.startsWith(`/bigquery/v2/projects/${PROJECT}/`)));
      assert.equal(bq.of('datasets.insert')[0]!.body.location, 'us-central1', "the spec's region (default) is the BigQuery location");
      await backends.objects.put('spec-scraped-bucket', 'raw/2025-11-15/1.json', '{}', { contentType: 'application/json' });
      assert.equal(gcs.of('upload')[0]!.path, '/upload/storage/v1/b/ci-scraped/o');
      assert.equal((await backends.objects.get('spec-scraped-bucket', 'raw/2025-11-15/1.json'))?.body.toString(), '{}');
      assert.equal(backends.state.collectionId('versions'), 'pipeline_versions');
    } finally {
      await backends.close();
    }
  });
});
