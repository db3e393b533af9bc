// Normalizing what other systems send (§6): legacy scraper messages (name/scraper_name + gcs_path)
// become updates of the scraper's collection, the partition parsed from the path by the collection's
// pattern; unified completions from other systems become external updates. A scraper reporting
// failed / no_data is understood and ignored; topics that do not accept legacy messages reject them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize } from '../../engine/core/messages.js';
import { T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const SCRAPERS = 'tiny-scrapers';
const legacy = (over: Record<string, unknown> = {}) => ({
  scraper_name: 'boxscore_scraper', gcs_path: 'gs://tiny-scraped/box/2025-11-14/0022500123/20251115T040000.json', status: 'success',
  execution_id: 'scr-1', record_count: 12, timestamp: new Date(T0).toISOString(), ...over,
});

describe('messages: legacy scraper messages', () => {
  it('become an update of the scraper\'s collection for the partition in the path', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, legacy(), {}, 0), {
      ok: true,
      event: {
        type: 'asset_updated', asset: 'objects/boxscores', partition: '2025-11-14', changedEntities: null, rows: 12, processor: 'scrape_box',
        status: 'success', backfill: null, emittedAt: T0, origin: 'legacy', correlationId: 'scr-1', parents: [],
      },
    });
  });

  it('accept the older `name` field, the processor\'s own name, and a path without gs://', () => {
    const a = normalize(plan, SCRAPERS, legacy({ scraper_name: undefined, name: 'boxscore_scraper' }));
    const b = normalize(plan, SCRAPERS, legacy({ scraper_name: 'scrape_box', gcs_path: 'box/2025-11-14/g1/x.json' }));
    for (const n of [a, b]) {
      assert.ok(n.ok);
      assert.equal(n.event.type === 'asset_updated' && n.event.partition, '2025-11-14');
    }
  });

  it('stamp the time of arrival when the message has none, and make up a correlation id from the scraper', () => {
    const n = normalize(plan, SCRAPERS, legacy({ timestamp: undefined, execution_id: undefined }), {}, T0 + 5);
    assert.ok(n.ok && n.event.type === 'asset_updated');
    assert.equal(n.event.emittedAt, T0 + 5);
    assert.equal(n.event.correlationId, 'legacy-boxscore_scraper-2025-11-14');
  });

  it('ignore failed and no_data reports: understood, nothing to process', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, legacy({ status: 'failed' })), { ok: false, ignored: true, reason: 'scraper boxscore_scraper reported failed: nothing to process' });
    assert.deepEqual(normalize(plan, SCRAPERS, legacy({ status: 'no_data', gcs_path: null })), { ok: false, ignored: true, reason: 'scraper boxscore_scraper reported no_data: nothing to process' });
  });

  it('reject an unknown scraper, a missing path, and a path outside the scraper\'s collections', () => {
    assert.deepEqual(normalize(plan, SCRAPERS, legacy({ scraper_name: 'mystery' })), { ok: false, reason: 'legacy message from unknown scraper "mystery" (declare it in a processor\'s legacy_names)' });
    assert.deepEqual(normalize(plan, SCRAPERS, legacy({ gcs_path: '' })), { ok: false, reason: 'legacy message from boxscore_scraper has no gcs_path' });
    assert.deepEqual(normalize(plan, SCRAPERS, legacy({ gcs_path: 'gs://tiny-scraped/lines/2025-11-14.json' })), { ok: false, reason: 'gcs_path gs://tiny-scraped/lines/2025-11-14.json matches none of scrape_box\'s collections (objects/boxscores)' });
    assert.equal(normalize(plan, SCRAPERS, legacy({ gcs_path: 'gs://another-bucket/box/2025-11-14/g1/x.json' })).ok, false, 'another bucket');
  });

  it('are rejected on a topic that does not accept them', () => {
    assert.deepEqual(normalize(plan, 'tiny-raw', legacy()), { ok: false, reason: 'topic tiny-raw does not accept legacy scraper messages (phases declare them with accepts: [legacy])' });
  });

  it('are rejected on a topic the spec does not name (it accepts unified messages only)', () => {
    assert.deepEqual(normalize(plan, 'elsewhere', legacy()), { ok: false, reason: 'topic elsewhere does not accept legacy scraper messages (phases declare them with accepts: [legacy])' });
  });

  it('without a status are a success; a record_count that is not a number is no row count', () => {
    const n = normalize(plan, SCRAPERS, legacy({ status: undefined, record_count: '12' }));
    assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
    assert.equal(n.event.status, 'success');
    assert.equal(n.event.rows, undefined);
  });

  it('name every collection of the scraper when the path matches none of them', () => {
    const two = tinyPlan((s) => {
      s.objects!.reference = { bucket: 'scraped', path: 'ref/{file}.json' };
      s.processors!.scrape_box!.writes = ['objects/boxscores', 'objects/reference'];
    });
    assert.deepEqual(normalize(two, SCRAPERS, legacy({ gcs_path: 'gs://tiny-scraped/misc/x.json' })), { ok: false, reason: 'gcs_path gs://tiny-scraped/misc/x.json matches none of scrape_box\'s collections (objects/boxscores, objects/reference)' });
  });

  it('need a gcs_path to be one: a name alone does not make a message legacy', () => {
    const n = normalize(plan, 'tiny-raw', { name: 'boxscore_scraper', processor_name: 'load_box', status: 'success', game_date: '2025-11-14' });
    assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
    assert.equal(n.event.origin, 'unified');
  });

  it('need a scraper name to be one: a unified completion that mentions a gcs_path is still unified', () => {
    const n = normalize(plan, 'tiny-raw', { processor_name: 'load_box', status: 'success', game_date: '2025-11-14', gcs_path: 'gs://tiny-scraped/box/2025-11-14/g1/x.json' });
    assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
    assert.deepEqual([n.event.asset, n.event.origin], ['raw.box', 'unified']);
  });
});

describe('messages: unified completions from other systems', () => {
  const unified = (over: Record<string, unknown> = {}) => ({
    processor_name: 'load_box', status: 'success', game_date: '2025-11-14', output_dataset: 'raw', output_table: 'box', record_count: 240, execution_id: 'ext-9', ...over,
  });

  it('become an external update (no version: the runtime records one)', () => {
    const n = normalize(plan, 'tiny-raw', unified(), {}, T0);
    assert.deepEqual(n, {
      ok: true,
      event: {
        type: 'asset_updated', asset: 'raw.box', partition: '2025-11-14', changedEntities: null, rows: 240, processor: 'load_box', status: 'success',
        backfill: null, emittedAt: T0, origin: 'unified', correlationId: 'ext-9', parents: [],
      },
    });
  });

  it('find the asset by the processor when the output is not given', () => {
    const n = normalize(plan, 'tiny-raw', unified({ output_dataset: undefined, output_table: undefined }));
    assert.ok(n.ok && n.event.type === 'asset_updated');
    assert.equal(n.event.asset, 'raw.box');
  });

  it('ignore failed and no_data completions', () => {
    const n = normalize(plan, 'tiny-raw', unified({ status: 'no_data' }));
    assert.deepEqual(n, { ok: false, ignored: true, reason: 'load_box reported no_data for 2025-11-14: nothing to process' });
    assert.deepEqual(normalize(plan, 'tiny-raw', unified({ status: 'failed' })), { ok: false, ignored: true, reason: 'load_box reported failed for 2025-11-14: nothing to process' });
  });

  it('keep a partial completion, and read any other status as a success', () => {
    for (const [status, read] of [['partial', 'partial'], ['done', 'success']]) {
      const n = normalize(plan, 'tiny-raw', unified({ status }));
      assert.equal(n.ok && n.event.type === 'asset_updated' && n.event.status, read, status);
    }
  });

  it('are accepted on a topic the spec does not name', () => {
    assert.equal(normalize(plan, 'elsewhere', unified()).ok, true);
  });

  it('reject a completion without a partition', () => {
    assert.deepEqual(normalize(plan, 'tiny-raw', unified({ game_date: undefined })), { ok: false, reason: 'missing the partition: give `partition` or `game_date` as YYYY-MM-DD' });
    assert.deepEqual(normalize(plan, 'tiny-raw', unified({ game_date: '2025-14-11' })), { ok: false, reason: 'partition "2025-14-11" is not a date (YYYY-MM-DD)' });
  });

  it('take the declared output over the processor\'s: an undeclared system may report a declared table', () => {
    const n = normalize(plan, 'tiny-raw', unified({ processor_name: 'somebody_else', output_table: 'lines' }));
    assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
    assert.deepEqual([n.event.asset, n.event.processor], ['raw.lines', undefined]);
  });

  it('make up a correlation id from the sender and partition, and count rows only when record_count is a number', () => {
    const n = normalize(plan, 'tiny-raw', unified({ execution_id: undefined, record_count: 'many' }));
    assert.ok(n.ok && n.event.type === 'asset_updated', JSON.stringify(n));
    assert.deepEqual([n.event.correlationId, n.event.rows], ['ext-load_box-2025-11-14', undefined]);
  });

  it('carry backfill flags, and reject a stop_after that names no phase (it would run the whole cascade)', () => {
    const n = normalize(plan, 'tiny-raw', unified({ backfill_mode: true, backfill_reason: 'reload', stop_after: 'raw' }));
    assert.ok(n.ok && n.event.type === 'asset_updated');
    assert.deepEqual(n.event.backfill, { mode: true, reason: 'reload', stopAfter: 'raw' });
    assert.deepEqual(normalize(plan, 'tiny-raw', unified({ backfill_mode: true, stop_after: 'phase2' })), { ok: false, reason: 'stop_after "phase2" is not a phase (scrapers, raw, analytics, features)' });
  });

  it('reject a completion of nothing the spec declares', () => {
    const n = normalize(plan, 'tiny-raw', unified({ processor_name: 'somebody_else', output_table: 'nope' }));
    assert.deepEqual(n, { ok: false, reason: 'unified message from "somebody_else": neither output "raw.nope" nor the processor is declared in the spec' });
    for (const output of [{ output_dataset: undefined, output_table: undefined }, { output_dataset: undefined }, { output_table: undefined }]) {
      assert.deepEqual(normalize(plan, 'tiny-raw', unified({ processor_name: 'somebody_else', ...output })), { ok: false, reason: 'unified message from "somebody_else": neither output null nor the processor is declared in the spec' }, JSON.stringify(output));
    }
  });
});
