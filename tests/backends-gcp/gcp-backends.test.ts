// The Firestore document store (real emulator) and `openGcpBackends` wiring: project, dataset
// prefix, bucket overrides and endpoints from the environment, one Firestore client shared.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Firestore } from '@google-cloud/firestore';
import { bucketNames, openGcpBackends, projectIdOf } from '../../engine/backends/gcp/index.js';
import { documentLocation, FirestoreDocumentStore } from '../../engine/backends/gcp/firestore-documents.js';
import { firestoreTestOptions, resetFirestore, startFirestoreEmulator } from '../harness/firestore-emulator.js';
import type { RunningEmulator } from '../harness/emulator-process.js';
import { FakeBigQuery } from './fake-bigquery.js';
import { FakeGcs } from './fake-gcs.js';
import { gcpPlan } from './fixtures.js';

const PROJECT = 'test-gcp-backends';

describe('GCP wiring from the environment (no emulator)', () => {
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

  it('maps document paths of any depth to a collection per parent path', () => {
    assert.deepEqual(documentLocation('predictions/daily/2025-11-15'), { collection: 'pipeline_docs_predictions%2Fdaily', id: '2025-11-15' });
    assert.deepEqual(documentLocation('predictions/2025-11-15'), { collection: 'pipeline_docs_predictions', id: '2025-11-15' });
    assert.deepEqual(documentLocation('status', 'x_'), { collection: 'x_docs_', id: 'status' });
    assert.throws(() => documentLocation('a//b'), /empty segment/);
  });
});

describe('Firestore documents and openGcpBackends on the emulator', firestoreTestOptions(), () => {
  let emu: RunningEmulator;
  let firestore: Firestore;
  let docs: FirestoreDocumentStore;
  const bq = new FakeBigQuery();
  const gcs = new FakeGcs();

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    emu = await startFirestoreEmulator();
    process.env.FIRESTORE_EMULATOR_HOST = emu.host;
    firestore = new Firestore({ projectId: PROJECT });
    docs = new FirestoreDocumentStore({ firestore });
    await Promise.all([bq.start(), gcs.start()]);
  });
  after(async () => {
    await firestore?.terminate();
    await Promise.all([bq.stop(), gcs.stop()]);
    await emu?.stop();
  });
  beforeEach(() => resetFirestore(emu.host, PROJECT));

  it('puts, gets and lists documents at odd and even depths, reversibly', async () => {
    const doc = { game_date: '2025-11-15', games: [{ id: 'g1', lines: [[1, 2]] }], note: undefined };
    await docs.put('predictions/daily/2025-11-15', doc);
    await docs.put('predictions/daily/2025-11-16', { n: 2 });
    await docs.put('predictions/2025-11-15', { flat: true });
    await docs.put('players/a/b', { slash: 'no' });
    assert.deepEqual(await docs.get('predictions/daily/2025-11-15'), { game_date: '2025-11-15', games: [{ id: 'g1', lines: [[1, 2]] }] });
    assert.equal(await docs.get('predictions/daily/2025-11-17'), undefined);
    assert.deepEqual(await docs.list('predictions/daily'), ['predictions/daily/2025-11-15', 'predictions/daily/2025-11-16']);
    assert.deepEqual(await docs.list('predictions'), ['predictions/2025-11-15']);
    assert.deepEqual(await docs.list('players/a'), ['players/a/b']);
    assert.deepEqual(await docs.list('nothing/here'), []);
    const raw = await firestore.collection('pipeline_docs_predictions%2Fdaily').doc('2025-11-15').get();
    assert.equal(raw.data()?.game_date, '2025-11-15', 'readers find the document where the header says');
    await docs.put('predictions/daily/2025-11-15', { replaced: true });
    assert.deepEqual(await docs.get('predictions/daily/2025-11-15'), { replaced: true });
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
      await backends.objects.put('spec-scraped-bucket', 'raw/2025-11-15/1.json', '{}', { contentType: 'application/json' });
      assert.equal(gcs.of('upload')[0]!.path, '/upload/storage/v1/b/ci-scraped/o');
      assert.equal((await backends.objects.get('spec-scraped-bucket', 'raw/2025-11-15/1.json'))?.body.toString(), '{}');
      await backends.state.transaction(async (tx) => tx.set('versions', 'nba_raw.boxscores|2025-11-15', { asset: 'nba_raw.boxscores', version: 1 }));
      assert.equal((await backends.state.get<{ version: number }>('versions', 'nba_raw.boxscores|2025-11-15'))?.version, 1);
      await backends.documents.put('predictions/daily/2025-11-15', { ok: true });
      assert.deepEqual(await docs.get('predictions/daily/2025-11-15'), { ok: true }, 'same collections as a store with the default prefix');
    } finally {
      await backends.close();
    }
  });
});
