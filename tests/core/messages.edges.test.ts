// The edges of messages.ts that its mutation run (TESTING.md) found untested: attributes that must be
// absent rather than present-and-undefined (a Pub/Sub attribute must be a string), the two forms of a
// GCS notification when only part of it is there, object paths that only look declared, a date that
// is not the first placeholder, and the listing prefix when {date} opens the pattern or is followed at
// once by another placeholder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchObject, normalize, partitionPrefix, patternRegex, toWire } from '../../engine/core/messages.js';
import { assetUpdated, D, T0, taskRequested, tinyPlan } from './builders.js';

const plan = tinyPlan();
const SCRAPERS = 'tiny-scrapers';

describe('messages: attributes are strings or absent', () => {
  it('a fan-out task has no ticket attribute, not one that is undefined', () => {
    const { attributes } = toWire(plan, { ...taskRequested('player_vectors', D, { ids: ['curry'] }), ticket: 'tk-9' } as Parameters<typeof toWire>[1]);
    assert.equal('ticket' in attributes, false, JSON.stringify(attributes));
    assert.ok(Object.values(attributes).every((v) => typeof v === 'string'));
  });

  it('an update without a ticket or a processor has neither attribute', () => {
    const { attributes } = toWire(plan, assetUpdated('objects/lines', D, { processor: undefined, executionId: undefined }));
    assert.deepEqual(Object.keys(attributes).sort(), ['correlation_id', 'event_type', 'partition']);
  });
});

describe('messages: GCS notifications in part', () => {
  it('the attributes form is recognised by OBJECT_FINALIZE alone, and then needs the bucket and the object', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, null, { eventType: 'OBJECT_FINALIZE' }), { ok: false, reason: 'GCS notification without bucket and object name' });
    assert.deepEqual(normalize(plan, SCRAPERS, null, { eventType: 'OBJECT_FINALIZE', bucketId: 'tiny-scraped' }), { ok: false, reason: 'GCS notification without bucket and object name' });
    assert.deepEqual(normalize(plan, SCRAPERS, null, { eventType: 'OBJECT_FINALIZE', objectId: 'lines/2025-11-14.json' }), { ok: false, reason: 'GCS notification without bucket and object name' });
  });

  it('the attributes form is recognised by bucket and object together without an event type, not by one of them', () => {
    const n = normalize(plan, SCRAPERS, null, { bucketId: 'tiny-scraped', objectId: 'lines/2025-11-14.json' }, T0);
    assert.ok(n.ok && n.event.type === 'asset_updated' && n.event.asset === 'objects/lines', JSON.stringify(n));
    assert.deepEqual(normalize(plan, SCRAPERS, null, { bucketId: 'tiny-scraped' }), { ok: false, reason: 'message body must be a JSON object' });
  });

  it('an object without a creation time, or with one that is not a time, is stamped with now', () => {
    for (const over of [{}, { timeCreated: 'soon' }]) {
      const n = normalize(plan, SCRAPERS, { kind: 'storage#object', bucket: 'tiny-scraped', name: 'lines/2025-11-14.json', ...over }, {}, T0);
      assert.ok(n.ok && n.event.type === 'asset_updated');
      assert.equal(n.event.emittedAt, T0, JSON.stringify(over));
    }
  });
});

describe('messages: object paths that only look declared', () => {
  it('a bare path is matched whole: a gs:// inside it is not a bucket', () => {
    assert.equal(matchObject(plan, 'lines/gs://tiny-scraped/lines/2025-11-14.json'), undefined);
  });

  it('an object name with a line break after a declared path is not that path', () => {
    assert.equal(matchObject(plan, 'gs://tiny-scraped/lines/2025-11-14.json\nold'), undefined);
  });

  it('a collection whose path has no {date} (allowed when nothing reads it) never matches, and does not stop the search', () => {
    const withNotes = tinyPlan((s) => {
      const raw = s as unknown as { objects: Record<string, unknown>; processors: Record<string, unknown> };
      // Before the dated collections, so the search meets it first.
      raw.objects = { notes: { bucket: 'scraped', path: 'notes/{name}.txt' }, ...raw.objects };
      raw.processors.scrape_notes = { phase: 'scrapers', module: 'p/scrape_notes.ts', writes: 'objects/notes' };
    });
    assert.equal(matchObject(withNotes, 'gs://tiny-scraped/notes/today.txt'), undefined);
    assert.deepEqual(matchObject(withNotes, 'gs://tiny-scraped/lines/2025-11-14.json'), { asset: 'objects/lines', partition: '2025-11-14' });
  });

  it('the date is captured where {date} is, not at the first placeholder', () => {
    assert.equal(patternRegex('v1/{season}/{date}/{f}.json').exec('v1/2025-26/2025-11-14/a.json')?.groups?.date, '2025-11-14');
  });
});

describe('messages: listing prefixes at the edges', () => {
  it('{date} at the very start: the partition and the fixed folders after it', () => {
    assert.equal(partitionPrefix('{date}/x.json', D), `${D}/`);
  });

  it('another placeholder at the very start: no common prefix at all', () => {
    assert.equal(partitionPrefix('{season}/{date}/f.json', D), '');
  });

  it('{date} followed at once by another placeholder: the partition, and nothing of the placeholder', () => {
    assert.equal(partitionPrefix('snap/{date}{hour}/f.json', D), `snap/${D}`);
    assert.ok(`snap/${D}07/f.json`.startsWith(partitionPrefix('snap/{date}{hour}/f.json', D)));
  });
});
