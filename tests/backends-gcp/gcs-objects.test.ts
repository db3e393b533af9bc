// The Cloud Storage object store at the HTTP boundary, against a local fake of the JSON API: object
// paths, content type, Cache-Control and custom metadata on upload; reads pinned to a generation;
// listing by prefix across pages; retries on 429/5xx.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GcsObjectStore } from '../../engine/backends/gcp/gcs-objects.js';
import { FakeGcs } from './fake-gcs.js';

describe('GcsObjectStore (HTTP contract)', () => {
  const fake = new FakeGcs();
  let store: GcsObjectStore;
  let sleeps: number[];

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.objects.clear();
    sleeps = [];
    store = new GcsObjectStore({ projectId: 'test-gcs', apiEndpoint: fake.url, retry: { baseMs: 50, sleep: async (ms) => void sleeps.push(ms) } });
  });

  it('uploads once with the path, content type, cache control and custom metadata', async () => {
    await store.put('api-bucket', 'v1/predictions/2025-11-15.json', '{"games":[]}', {
      contentType: 'application/json',
      cacheControl: 'public, max-age=300',
      metadata: { execution_id: 'e1', correlation_id: 'c1' },
    });
    const [up] = fake.of('upload');
    assert.equal(fake.requests.length, 1);
    assert.equal(up!.path, '/upload/storage/v1/b/api-bucket/o');
    assert.deepEqual(up!.query, { uploadType: 'multipart', name: 'v1/predictions/2025-11-15.json' });
    assert.deepEqual(up!.metadata, { contentType: 'application/json', cacheControl: 'public, max-age=300', metadata: { execution_id: 'e1', correlation_id: 'c1' } });
    assert.equal(up!.data!.toString(), '{"games":[]}');

    await store.put('api-bucket', 'raw/blob.bin', Buffer.from([0, 255, 1]));
    const stored = fake.objects.get('api-bucket/raw/blob.bin')!;
    assert.equal(stored.resource.contentType, 'application/octet-stream');
    assert.deepEqual([...stored.data], [0, 255, 1]);
    assert.equal(stored.resource.metadata, undefined);
  });

  it('gets body and metadata of one generation, and undefined when missing', async () => {
    await store.put('b', 'nba-com/schedule/2025-11-15/1.json', '{"x":1}', { contentType: 'application/json', metadata: { source: 'nba' } });
    fake.reset();
    const got = await store.get('b', 'nba-com/schedule/2025-11-15/1.json');
    assert.ok(got);
    assert.equal(got.body.toString(), '{"x":1}');
    assert.equal(got.contentType, 'application/json');
    assert.deepEqual(got.metadata, { source: 'nba' });
    assert.ok(got.updatedAt > Date.now() - 60_000);
    assert.deepEqual(fake.requests.map((r) => r.kind), ['metadata', 'download']);
    assert.equal(fake.requests[0]!.path, '/storage/v1/b/b/o/nba-com%2Fschedule%2F2025-11-15%2F1.json');
    assert.equal(fake.requests[1]!.query.generation, String(fake.objects.get('b/nba-com/schedule/2025-11-15/1.json')!.resource.generation));
    assert.equal(await store.get('b', 'nope.json'), undefined);
  });

  it('lists names under a prefix across pages, sorted', async () => {
    for (const p of ['a/2/x.json', 'a/1/y.json', 'a/1/z.json', 'b/1.json']) await store.put('b', p, '{}');
    fake.pageSize = 2;
    fake.reset();
    try {
      assert.deepEqual(await store.list('b', 'a/'), ['a/1/y.json', 'a/1/z.json', 'a/2/x.json']);
      assert.deepEqual(fake.of('list').map((r) => r.query.pageToken ?? null), [null, '2']);
      assert.equal(fake.of('list')[0]!.query.prefix, 'a/');
      assert.deepEqual(await store.list('b', 'none/'), []);
    } finally {
      fake.pageSize = 1000;
    }
  });

  it('retries 503 and 429 with exponential backoff on every call, and not a 403', async () => {
    fake.failNext('upload', 2, 503);
    await store.put('b', 'x.json', '{}', { contentType: 'application/json' });
    assert.deepEqual(fake.of('upload').map((r) => r.status), [503, 503, 200]);
    assert.equal(fake.of('upload')[2]!.data!.toString(), '{}', 'the data is sent again in full');
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1]! > sleeps[0]!, `backoff grows: ${sleeps}`);

    fake.failNext('metadata', 1, 429);
    fake.failNext('download', 1, 500);
    fake.failNext('list', 1, 503);
    assert.equal((await store.get('b', 'x.json'))?.body.toString(), '{}');
    assert.deepEqual(await store.list('b', ''), ['x.json']);
    assert.deepEqual(fake.of('metadata').map((r) => r.status), [429, 200]);
    assert.deepEqual(fake.of('download').map((r) => r.status), [500, 200]);
    assert.deepEqual(fake.of('list').map((r) => r.status), [503, 200]);

    fake.reset();
    fake.failNext('upload', 1, 403);
    await assert.rejects(store.put('b', 'y.json', '{}'));
    assert.equal(fake.of('upload').length, 1);

    fake.reset();
    fake.failNext('upload', 5, 503);
    await assert.rejects(store.put('b', 'z.json', '{}'), /gave up after 5 attempts/);
    assert.equal(fake.of('upload').length, 5);
  });
});
