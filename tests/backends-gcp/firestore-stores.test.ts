// The Firestore stores against the real Firestore emulator (one emulator for the file): the state
// store's CRUD, id escaping, queries, transaction semantics (buffering, rollback, read-your-own-
// writes, contention) and op counts; the document store's path mapping.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import { documentLocation, FirestoreDocumentStore } from '../../engine/backends/gcp/firestore-documents.js';
import { decodeId, encodeId, fromFirestore, toFirestore } from '../../engine/backends/gcp/firestore-encoding.js';
import { indexFor, REQUIRED_INDEXES } from '../../engine/backends/gcp/firestore-query.js';
import { firestoreTestOptions, resetFirestore, startFirestoreEmulator } from '../harness/firestore-emulator.js';
import type { RunningEmulator } from '../harness/emulator-process.js';
import { MemoryBus, MemoryDocumentStore, MemoryObjectStore, MemoryWarehouse } from '../../engine/backends/memory/index.js';
import { systemClock } from '../../engine/backends/local/clock.js';
import { Engine } from '../../engine/runtime/engine.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { defineUntypedProcessor as defineProcessor } from '../../engine/runtime/processor.js';
import { gcpPlan, table } from './fixtures.js';
import { getAllContract } from '../support/state-get-all.js';

const PROJECT = 'test-firestore-stores';

interface Version {
  asset: string;
  partition: string;
  version: number;
}

describe('Firestore ids and values (no emulator)', () => {
  it('escapes ids reversibly and only where Firestore refuses them', () => {
    const cases = ['objects/nbac_gamebook|2025-11-15', 'nba_raw.x|2025-11-15', '.', '..', '__x__', '100%/a', 'a%2Fb', '__a/b__', '_a_', '...'];
    for (const id of cases) {
      const enc = encodeId(id);
      assert.ok(!enc.includes('/'), enc);
      assert.ok(enc !== '.' && enc !== '..' && !/^__.*__$/.test(enc), enc);
      assert.equal(decodeId(enc), id);
    }
    assert.equal(encodeId('objects/nbac_gamebook|2025-11-15'), 'objects%2Fnbac_gamebook|2025-11-15');
    assert.equal(encodeId('nba_raw.x|2025-11-15'), 'nba_raw.x|2025-11-15');
    assert.throws(() => encodeId(''), /empty/);
  });

  it('stores plain JSON: undefined dropped, nested arrays and reserved keys rewritten reversibly', () => {
    const doc = { a: undefined, b: [[1, 2], [3]], c: { '': 1, __x__: 2, '~t': 3, 'p.q': 4 }, d: [{ e: [[5]] }], n: null };
    const stored = toFirestore(doc, 'test');
    assert.deepEqual(stored, { b: [{ '~a': [1, 2] }, { '~a': [3] }], c: { '~': 1, '~__x__': 2, '~~t': 3, 'p.q': 4 }, d: [{ e: [{ '~a': [5] }] }], n: null });
    assert.deepEqual(fromFirestore(stored), { b: [[1, 2], [3]], c: { '': 1, __x__: 2, '~t': 3, 'p.q': 4 }, d: [{ e: [[5]] }], n: null });
  });

  it('maps document paths of any depth to a collection per parent path', () => {
    assert.deepEqual(documentLocation('predictions/daily/2025-11-15'), { collection: 'pipeline_docs_predictions%2Fdaily', id: '2025-11-15' });
    assert.deepEqual(documentLocation('predictions/2025-11-15'), { collection: 'pipeline_docs_predictions', id: '2025-11-15' });
    assert.deepEqual(documentLocation('status', 'x_'), { collection: 'x_docs_', id: 'status' });
    assert.throws(() => documentLocation('a//b'), /empty segment/);
  });

  it('lists the composite indexes the engine needs', () => {
    assert.deepEqual(indexFor('versions', { eq: { asset: 'a' }, range: { field: 'partition', gte: '2025-01-01' } }), REQUIRED_INDEXES[0]);
    assert.equal(indexFor('outbox', { eq: { kind: 'outbox' } }), undefined);
  });
});

describe('Firestore stores on the emulator', firestoreTestOptions(), () => {
  let emu: RunningEmulator;
  let firestore: Firestore;
  let state: FirestoreStateStore;
  let docs: FirestoreDocumentStore;

  before(async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    emu = await startFirestoreEmulator();
    process.env.FIRESTORE_EMULATOR_HOST = emu.host;
    firestore = new Firestore({ projectId: PROJECT });
    state = new FirestoreStateStore({ firestore, maxAttempts: 50 });
    docs = new FirestoreDocumentStore({ firestore });
  });
  after(async () => {
    await state?.close();
    await firestore?.terminate();
    await emu?.stop();
  });
  beforeEach(async () => resetFirestore(emu.host, PROJECT));

  getAllContract(() => state);

  it('getAll is one BatchGetDocuments; what it read is not read again by get or getMany', async () => {
    await state.transaction(async (tx) => {
      tx.set('leases', 'p|1', { token: 'L' });
      tx.set('versions', 'a|1', { asset: 'a', partition: '1', version: 1 });
    });
    // What the client sends, by gRPC method (the client's own request entry points).
    const sent: string[] = [];
    const client = firestore as unknown as Record<'request' | 'requestStream', (method: string, ...rest: unknown[]) => unknown>;
    const [request, requestStream] = [client.request, client.requestStream];
    client.request = function (method, ...rest) { sent.push(method); return request.call(this, method, ...rest); };
    client.requestStream = function (method, ...rest) { sent.push(method); return requestStream.call(this, method, ...rest); };
    const before = state.ops();
    try {
      await state.transaction(async (tx) => {
        const keys = [{ collection: 'versions', id: 'a|1' }, { collection: 'leases', id: 'p|1' }, { collection: 'attempts', id: 'p|1' }, { collection: 'leases', id: 'p|1' }] as const;
        assert.deepEqual(await tx.getAll(keys), [{ asset: 'a', partition: '1', version: 1 }, { token: 'L' }, undefined, { token: 'L' }]);
        assert.deepEqual(await tx.get('leases', 'p|1'), { token: 'L' });
        assert.deepEqual(await tx.getMany('versions', ['a|1']), [{ asset: 'a', partition: '1', version: 1 }]);
        assert.equal(await tx.get('attempts', 'p|1'), undefined);
        tx.set('leases', 'p|1', { token: 'M' });
      });
    } finally {
      Object.assign(client, { request, requestStream });
    }
    assert.deepEqual(sent, ['batchGetDocuments', 'commit'], 'one batched read (beginning the transaction) and the commit');
    const d = state.ops();
    assert.deepEqual({ batchGets: d.batchGets - before.batchGets, reads: d.reads - before.reads }, { batchGets: 1, reads: 3 }, 'three distinct documents, read once');
    assert.deepEqual(await state.get('leases', 'p|1'), { token: 'M' });
  });

  it('sets, gets, overwrites and deletes documents', async () => {
    assert.equal(await state.get('runs', 'r1'), undefined);
    await state.transaction(async (tx) => tx.set('runs', 'r1', { status: 'running', n: 1 }));
    assert.deepEqual(await state.get('runs', 'r1'), { status: 'running', n: 1 });
    await state.transaction(async (tx) => tx.set('runs', 'r1', { status: 'succeeded', n: 2 }));
    assert.deepEqual(await state.get('runs', 'r1'), { status: 'succeeded', n: 2 });
    assert.equal(await state.get('leases', 'r1'), undefined);
    await state.transaction(async (tx) => tx.delete('runs', 'r1'));
    assert.equal(await state.get('runs', 'r1'), undefined);
  });

  it('keeps the port ids through escaping, in collections named with the prefix', async () => {
    const ids = ['objects/nbac_gamebook|2025-11-15', 'nba_raw.t|2025-11-15', '..', '__x__', '50%/50'];
    await state.transaction(async (tx) => {
      for (const id of ids) tx.set('versions', id, { asset: id, partition: '2025-11-15', version: 1 });
    });
    for (const id of ids) assert.equal((await state.get<Version>('versions', id))?.asset, id);
    const raw = await firestore.collection('pipeline_versions').listDocuments();
    assert.deepEqual(raw.map((r) => r.id).sort(), ids.map(encodeId).sort());
    assert.ok(raw.some((r) => r.id === 'objects%2Fnbac_gamebook|2025-11-15'));
    const got = await state.query<Version>('versions', { eq: { partition: '2025-11-15' } });
    assert.deepEqual(got.map((v) => v.asset).sort(), [...ids].sort());
  });

  it('queries by equality, inclusive range and limit, ordered by the range field', async () => {
    await state.transaction(async (tx) => {
      for (const [i, d] of ['2025-11-13', '2025-11-14', '2025-11-15', '2025-11-16'].entries()) {
        tx.set('versions', `t.a|${d}`, { asset: 't.a', partition: d, version: i + 1 });
        tx.set('versions', `t.b|${d}`, { asset: 't.b', partition: d, version: 10 + i });
      }
      tx.set('versions', 't.a|numeric', { asset: 't.a', partition: 20251114, version: 99 });
    });
    const window = await state.query<Version>('versions', { eq: { asset: 't.a' }, range: { field: 'partition', gte: '2025-11-14', lte: '2025-11-15' } });
    assert.deepEqual(window.map((v) => v.partition), ['2025-11-14', '2025-11-15']);
    const firstTwo = await state.query<Version>('versions', { eq: { asset: 't.b' }, range: { field: 'partition', gte: '2025-11-14' }, limit: 2 });
    assert.deepEqual(firstTwo.map((v) => v.version), [11, 12]);
    // Typed: a number never equals a string, a string range never matches numbers.
    assert.equal((await state.query('versions', { eq: { version: '1' } })).length, 0);
    assert.equal((await state.query('versions', { eq: { version: 1 } })).length, 1);
    const numeric = await state.query<Version>('versions', { range: { field: 'partition', gte: 20251101 } });
    assert.deepEqual(numeric.map((v) => v.version), [99]);
    const strings = await state.query<Version>('versions', { eq: { asset: 't.a' }, range: { field: 'partition' } });
    assert.equal(strings.length, 4);
  });

  it('buffers writes until commit: invisible outside, visible inside (read-your-own-writes)', async () => {
    await state.transaction(async (tx) => tx.set('versions', 'a|1', { asset: 'a', partition: '1', version: 1 }));
    await state.transaction(async (tx) => {
      tx.set('versions', 'a|2', { asset: 'a', partition: '2', version: 2 });
      tx.delete('versions', 'a|1');
      assert.equal(await state.get('versions', 'a|2'), undefined, 'another reader does not see the buffered set');
      assert.deepEqual(await tx.get('versions', 'a|2'), { asset: 'a', partition: '2', version: 2 });
      assert.deepEqual(await tx.getMany('versions', ['a|1', 'a|2', 'a|3']), [undefined, { asset: 'a', partition: '2', version: 2 }, undefined]);
      const seen = await tx.query<Version>('versions', { eq: { asset: 'a' }, range: { field: 'partition', gte: '0' }, limit: 5 });
      assert.deepEqual(seen.map((v) => v.partition), ['2']);
    });
    assert.equal(await state.get('versions', 'a|1'), undefined);
    assert.equal((await state.get<Version>('versions', 'a|2'))?.version, 2);
  });

  it('rolls back everything when fn throws', async () => {
    await state.transaction(async (tx) => tx.set('leases', 'p|d', { token: 'x' }));
    await assert.rejects(
      state.transaction(async (tx) => {
        tx.set('leases', 'p|d', { token: 'y' });
        tx.set('runs', 'r9', { status: 'running' });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await state.get('leases', 'p|d'), { token: 'x' });
    assert.equal(await state.get('runs', 'r9'), undefined);
  });

  it('serializes 10 concurrent increments of one document (no lost update)', async () => {
    await state.transaction(async (tx) => tx.set('gate_fires', 'g|d', { count: 0 }));
    await Promise.all(
      Array.from({ length: 10 }, () =>
        state.transaction(async (tx) => {
          const doc = await tx.get<{ count: number }>('gate_fires', 'g|d');
          tx.set('gate_fires', 'g|d', { count: doc!.count + 1 });
        }),
      ),
    );
    assert.deepEqual(await state.get('gate_fires', 'g|d'), { count: 10 });
  });

  it('counts Firestore operations per call', async () => {
    const before = state.ops();
    await state.transaction(async (tx) => {
      await tx.getMany('leases', ['p|1', 'p|2']);
      await tx.query('versions', { eq: { asset: 'none' } });
      tx.set('leases', 'p|1', { token: 't' });
      tx.set('runs', 'e1', { status: 'running' });
    });
    await state.get('leases', 'p|1');
    const d = state.ops();
    assert.deepEqual(
      { reads: d.reads - before.reads, writes: d.writes - before.writes, queries: d.queries - before.queries, transactions: d.transactions - before.transactions, commits: d.commits - before.commits },
      { reads: 4, writes: 2, queries: 1, transactions: 1, commits: 1 },
    );
  });

  it('documents: puts, gets and lists at odd and even depths, reversibly', async () => {
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

  it('runs an engine cascade on the Firestore state store (and counts its operations per run)', async (t) => {
    const plan = gcpPlan();
    const bus = new MemoryBus();
    const warehouse = new MemoryWarehouse();
    const backends = { kind: 'local' as const, bus, state, warehouse, objects: new MemoryObjectStore(), documents: new MemoryDocumentStore(), clock: systemClock, async close() {} };
    const processors = {
      load_box: defineProcessor('load_box', { run: (ctx) => ctx.write([{ player_lookup: 'lebron', team_abbr: 'LAL', points: 25 }, { player_lookup: 'tatum', team_abbr: 'BOS', points: 30 }]) }),
      summarize: defineProcessor('summarize', {
        async run(ctx) {
          ctx.write([{ players: (await ctx.read('nba_raw.boxscores')).length }]);
        },
      }),
    };
    const engine = new Engine({ plan, backends, executor: new ModuleExecutor({}, processors) });
    engine.attach(bus);
    const before = state.ops();
    await engine.handleEvent(engine.request('load_box', '2025-11-15'));
    await bus.idle();
    const ops = state.ops();
    const per = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
    t.diagnostic(`Firestore operations for 2 runs: ${JSON.stringify(per)}`);
    assert.equal((await state.get<Version>('versions', 'nba_analytics.summary|2025-11-15'))?.version, 1);
    assert.equal((await state.get<Version>('versions', 'nba_raw.boxscores|2025-11-15'))?.version, 1);
    assert.equal((await state.query('outbox', { eq: { kind: 'outbox' } })).length, 0, 'every outbox entry dispatched');
    assert.deepEqual((await warehouse.read(table(plan, 'nba_analytics.summary'), { partitions: ['2025-11-15'] }))[0], { game_date: '2025-11-15', players: 2 });
    assert.equal(per.commits, per.transactions, 'every transaction committed');
    assert.ok(per.transactions! <= 8, `a few transactions per run, not one per record (${per.transactions})`);
    await engine.log.flush();
  });
});
