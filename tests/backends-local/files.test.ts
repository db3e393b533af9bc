import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsDocumentStore } from '../../engine/backends/local/document-store.js';
import { FsObjectStore } from '../../engine/backends/local/object-store.js';
import { tempDir } from './fixtures.js';

describe('filesystem object store', () => {
  const tmp = tempDir('objects');
  after(tmp.cleanup);
  const store = new FsObjectStore(tmp.dir);

  it('puts and gets bytes with content type and metadata', async () => {
    const before = Date.now();
    await store.put('raw', 'nba/2025-11-15/box.json', '{"a":1}', { contentType: 'application/json', metadata: { source: 'test' } });
    const got = await store.get('raw', 'nba/2025-11-15/box.json');
    assert.ok(got);
    assert.equal(got.body.toString('utf8'), '{"a":1}');
    assert.equal(got.contentType, 'application/json');
    assert.deepEqual(got.metadata, { source: 'test' });
    assert.equal(got.path, 'nba/2025-11-15/box.json');
    assert.ok(got.updatedAt >= before);
    // The object is a plain file at the mirrored path.
    assert.ok(existsSync(join(tmp.dir, 'objects', 'raw', 'nba', '2025-11-15', 'box.json')));
    assert.equal(await store.get('raw', 'nba/missing.json'), undefined);
    assert.equal(await store.get('raw', 'nba'), undefined, 'a folder is not an object');
  });

  it('overwrites atomically and leaves no temp files', async () => {
    await store.put('raw', 'x.bin', Buffer.from([1, 2, 3]));
    await store.put('raw', 'x.bin', Buffer.from([4]));
    const got = await store.get('raw', 'x.bin');
    assert.deepEqual([...got!.body], [4]);
    assert.equal(got!.contentType, 'application/octet-stream');
    assert.deepEqual(readdirSync(join(tmp.dir, '.tmp')), []);
  });

  it('lists by string prefix, recursively, sorted, without metadata sidecars', async () => {
    await store.put('raw', 'nba/2025-11-15/a.json', 'a');
    await store.put('raw', 'nba/2025-11-16/b.json', 'b');
    await store.put('raw', 'nbx/c.json', 'c');
    assert.deepEqual(await store.list('raw', 'nba/'), ['nba/2025-11-15/a.json', 'nba/2025-11-15/box.json', 'nba/2025-11-16/b.json']);
    assert.deepEqual(await store.list('raw', 'nba/2025-11-15/b'), ['nba/2025-11-15/box.json']);
    assert.deepEqual(await store.list('raw', 'nb'), [
      'nba/2025-11-15/a.json',
      'nba/2025-11-15/box.json',
      'nba/2025-11-16/b.json',
      'nbx/c.json',
    ]);
    assert.deepEqual(await store.list('raw', 'none/'), []);
    assert.deepEqual(await store.list('empty-bucket', ''), []);
  });

  it('accepts a file copied in by hand (no sidecar)', async () => {
    mkdirSync(join(tmp.dir, 'objects', 'manual'), { recursive: true });
    writeFileSync(join(tmp.dir, 'objects', 'manual', 'f.txt'), 'hi');
    const got = await store.get('manual', 'f.txt');
    assert.equal(got?.body.toString(), 'hi');
    assert.equal(got?.contentType, 'application/octet-stream');
  });

  it('rejects paths that could escape the root', async () => {
    await assert.rejects(store.put('raw', '../outside', 'x'), /must not contain "\." or "\.\." segments/);
    await assert.rejects(store.put('raw', 'a/../../b', 'x'), /"\.\."/);
    await assert.rejects(store.put('raw', '/etc/passwd', 'x'), /must be relative/);
    await assert.rejects(store.get('raw', 'a//b'), /empty segments/);
    await assert.rejects(store.put('..', 'a', 'x'), /bucket name/);
    await assert.rejects(store.list('raw', '../'), /"\.\."/);
    await assert.rejects(store.list('raw', 'a/..'), /"\.\."/);
    assert.equal(existsSync(join(tmp.dir, 'outside')), false);
  });
});

describe('filesystem document store', () => {
  const tmp = tempDir('documents');
  after(tmp.cleanup);
  const store = new FsDocumentStore(tmp.dir);

  it('puts, gets and overwrites documents', async () => {
    await store.put('predictions/2025-11-15', { games: [{ id: 1 }], total: 1 });
    assert.deepEqual(await store.get('predictions/2025-11-15'), { games: [{ id: 1 }], total: 1 });
    await store.put('predictions/2025-11-15', { total: 2 });
    assert.deepEqual(await store.get('predictions/2025-11-15'), { total: 2 });
    assert.equal(await store.get('predictions/2025-11-16'), undefined);
    assert.ok(existsSync(join(tmp.dir, 'documents', 'predictions', '2025-11-15.json')));
  });

  it('lists the documents directly under a collection', async () => {
    await store.put('predictions/2025-11-14', { total: 0 });
    await store.put('predictions/2025-11-15/players/ann', { p: 1 });
    assert.deepEqual(await store.list('predictions'), ['predictions/2025-11-14', 'predictions/2025-11-15']);
    assert.deepEqual(await store.list('predictions/'), ['predictions/2025-11-14', 'predictions/2025-11-15']);
    assert.deepEqual(await store.list('predictions/2025-11-15/players'), ['predictions/2025-11-15/players/ann']);
    assert.deepEqual(await store.list('nothing'), []);
  });

  it('rejects path traversal', async () => {
    await assert.rejects(store.put('../x', { a: 1 }), /"\.\."/);
    await assert.rejects(store.get('/abs/doc'), /must be relative/);
    await assert.rejects(store.list('a/../..'), /"\.\."/);
  });
});
