// Normalizing GCS object-finalize notifications (§6), in both forms Pub/Sub delivers them: the JSON
// object resource as the body ({kind: 'storage#object', bucket, name}) or the notification attributes
// (bucketId, objectId, eventType). The object is matched to a declared collection and its partition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize } from '../../engine/core/messages.js';
import { T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const SCRAPERS = 'tiny-scrapers';
const objectResource = (name: string, over: Record<string, unknown> = {}) => ({ kind: 'storage#object', bucket: 'tiny-scraped', name, timeCreated: new Date(T0).toISOString(), ...over });
const attributes = (objectId: string, eventType = 'OBJECT_FINALIZE') => ({ bucketId: 'tiny-scraped', objectId, eventType, payloadFormat: 'JSON_API_V1' });

describe('messages: GCS finalize notifications', () => {
  it('match the object to its collection and partition (JSON body form)', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, objectResource('lines/2025-11-14.json'), {}, 0), {
      ok: true,
      event: {
        type: 'asset_updated', asset: 'objects/lines', partition: '2025-11-14', changedEntities: null, processor: 'scrape_lines', status: 'success',
        backfill: null, emittedAt: T0, origin: 'gcs', correlationId: 'gcs-tiny-scraped/lines/2025-11-14.json', parents: [],
      },
    });
  });

  it('match the object from the attributes form, with or without a body', () => {
    for (const body of [null, {}, objectResource('box/2025-11-14/g1/a.json')]) {
      const n = normalize(plan, SCRAPERS, body, attributes('box/2025-11-14/g1/a.json'), T0);
      assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
      assert.equal(n.event.asset, 'objects/boxscores');
      assert.equal(n.event.partition, '2025-11-14');
      assert.equal(n.event.processor, 'scrape_box');
    }
  });

  it('ignore notifications of other object events (a delete is not new data)', () => {
    for (const eventType of ['OBJECT_DELETE', 'OBJECT_ARCHIVE', 'OBJECT_METADATA_UPDATE']) {
      const n = normalize(plan, SCRAPERS, objectResource('lines/2025-11-14.json'), attributes('lines/2025-11-14.json', eventType));
      assert.deepEqual(n, { ok: false, ignored: true, reason: `GCS ${eventType} notification for gs://tiny-scraped/lines/2025-11-14.json: only OBJECT_FINALIZE is new data` });
    }
  });

  it('reject objects that match no declared collection, or a date that is not one', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, objectResource('misc/readme.txt')), { ok: false, reason: 'object gs://tiny-scraped/misc/readme.txt matches no declared collection' });
    assert.equal(normalize(plan, SCRAPERS, objectResource('lines/2025-02-30.json')).ok, false);
    assert.equal(normalize(plan, SCRAPERS, objectResource('lines/2025-11-14.json', { bucket: 'elsewhere' })).ok, false);
  });

  it('reject a notification without bucket and object name', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, { kind: 'storage#object' }), { ok: false, reason: 'GCS notification without bucket and object name' });
  });

  it('are rejected on a topic that does not accept them', () => {
    assert.deepEqual(normalize(plan, 'tiny-raw', objectResource('lines/2025-11-14.json')), { ok: false, reason: 'topic tiny-raw does not accept GCS notifications (phases declare them with accepts: [gcs])' });
    assert.equal(normalize(plan, 'tiny-raw', null, attributes('lines/2025-11-14.json')).ok, false);
  });
});
