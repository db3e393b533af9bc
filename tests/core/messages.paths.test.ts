// Object paths: a collection's pattern ("box/{date}/{game_id}/{ts}.json") as a regex with the date
// captured, the collection (and partition) an object path belongs to, and the listing prefix of one
// partition's objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchObject, partitionPrefix, patternRegex } from '../../engine/core/messages.js';
import { tinyPlan } from './builders.js';

const plan = tinyPlan();

describe('messages: object paths', () => {
  it('patternRegex captures the date and matches one path segment per placeholder', () => {
    const re = patternRegex('box/{date}/{game_id}/{ts}.json');
    assert.equal(re.exec('box/2025-11-14/g1/0400.json')?.groups?.date, '2025-11-14');
    assert.equal(re.test('box/2025-11-14/0400.json'), false, 'a placeholder missing');
    assert.equal(re.test('box/2025-11-14/g1/extra/0400.json'), false, 'a placeholder never spans a /');
    assert.equal(re.test('box/2025-11-14/g1/0400xjson'), false, 'the dot is literal');
    assert.equal(re.test('archive/box/2025-11-14/g1/0400.json'), false, 'anchored at the start');
    assert.equal(re.test('box/11-14/g1/0400.json'), false, 'the date is YYYY-MM-DD');
  });

  it('patternRegex escapes regex characters of the pattern, and captures only the first {date}', () => {
    assert.equal(patternRegex('a+b/(x)/{date}.json').test('a+b/(x)/2025-11-14.json'), true);
    const twice = patternRegex('snap/{date}/{date}.json').exec('snap/2025-11-14/2025-11-13.json');
    assert.equal(twice?.groups?.date, '2025-11-14');
  });

  it('matchObject finds the collection and partition of a gs:// path or a bare path', () => {
    assert.deepEqual(matchObject(plan, 'gs://tiny-scraped/box/2025-11-14/g1/a.json'), { asset: 'objects/boxscores', partition: '2025-11-14' });
    assert.deepEqual(matchObject(plan, 'lines/2025-11-14.json'), { asset: 'objects/lines', partition: '2025-11-14' });
  });

  it('matchObject finds nothing in another bucket, for an impossible date, or outside `among`', () => {
    assert.equal(matchObject(plan, 'gs://other/lines/2025-11-14.json'), undefined);
    assert.equal(matchObject(plan, 'lines/2025-13-40.json'), undefined);
    assert.equal(matchObject(plan, 'lines/2025-11-14.json', ['objects/boxscores']), undefined);
  });

  it('partitionPrefix lists one partition\'s objects and no other\'s', () => {
    assert.equal(partitionPrefix('box/{date}/{game_id}/{ts}.json', '2025-11-14'), 'box/2025-11-14/');
    assert.equal(partitionPrefix('lines/{date}.json', '2025-11-14'), 'lines/2025-11-14');
    assert.equal(partitionPrefix('bdb/2025-26/{date}/game_{id}/{f}.json', '2025-11-14'), 'bdb/2025-26/2025-11-14/');
    assert.equal(partitionPrefix('snaps/{date}-{hour}.json', '2025-11-14'), 'snaps/2025-11-14');
  });

  it('partitionPrefix of every object of the partition is a prefix of its path', () => {
    for (const [pattern, path] of [['box/{date}/{game_id}/{ts}.json', 'box/2025-11-14/g1/a.json'], ['lines/{date}.json', 'lines/2025-11-14.json'], ['snaps/{date}-{hour}.json', 'snaps/2025-11-14-07.json']] as const) {
      assert.ok(patternRegex(pattern).test(path));
      assert.ok(path.startsWith(partitionPrefix(pattern, '2025-11-14')), `${path} under ${partitionPrefix(pattern, '2025-11-14')}`);
    }
  });

  it('partitionPrefix stops at the fixed folders when {date} is missing or comes after another placeholder', () => {
    assert.equal(partitionPrefix('v1/api/{file}.json', '2025-11-14'), 'v1/api/');
    assert.equal(partitionPrefix('v1/{season}/{date}/{f}.json', '2025-11-14'), 'v1/');
  });
});
