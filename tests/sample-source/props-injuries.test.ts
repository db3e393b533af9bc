// Prop markets (odds-api, bettingpros) and injury report snapshots, including the
// control flips that make a player Out mid-day and late lines for new players.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INJURY_STATUSES, league, type SampleSource } from '../../processors/sample-source/index.js';
import { DATE, getJson, getRaw, post, withSource } from './helpers.js';

type Outcome = { name: string; description: string; price: number; point: number };

function linesOf(payload: any): Map<string, number> {
  const out = new Map<string, number>();
  for (const ev of payload.data) {
    for (const b of ev.bookmakers) {
      for (const o of b.markets[0].outcomes as Outcome[]) if (o.name === 'Over') out.set(`${b.key}|${o.description}`, o.point);
    }
  }
  return out;
}

test('odds-api props: several books, x.5 lines near expectation, paired prices, line moves', async () => {
  await withSource(async (s) => {
    const events = await getJson(s, `/odds-api/events?date=${DATE}`);
    assert.ok(events.data.length >= 5);
    for (const e of events.data) {
      assert.match(e.id, /^[0-9a-f]{32}$/);
      assert.equal(e.sport_key, 'basketball_nba');
    }
    const expected = new Map(league(s.seed).players.map((p) => [p.name, p.expectedPoints]));
    const snaps = [];
    for (let i = 0; i < 5; i++) snaps.push(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=${i}`));
    const books = new Set<string>();
    for (const snap of snaps) {
      for (const ev of snap.data) {
        for (const b of ev.bookmakers) {
          books.add(b.key);
          const outcomes: Outcome[] = b.markets[0].outcomes;
          assert.equal(b.markets[0].key, 'player_points');
          assert.equal(outcomes.length % 2, 0);
          for (const o of outcomes) {
            assert.equal(o.point % 1, 0.5, `${o.point} not x.5`);
            assert.ok(Math.abs(o.price) >= 100);
            assert.ok(Math.abs(o.point - expected.get(o.description)!) < 6, `${o.description} ${o.point} vs ${expected.get(o.description)}`);
          }
        }
      }
    }
    assert.ok(books.size >= 5, `books ${[...books]}`);
    let moves = 0;
    for (let i = 1; i < snaps.length; i++) {
      const prev = linesOf(snaps[i - 1]);
      for (const [k, v] of linesOf(snaps[i])) {
        const before = prev.get(k);
        if (before === undefined || before === v) continue;
        const delta = Math.abs(v - before);
        assert.ok(delta >= 0.5 && delta <= 1.5, `move ${delta}`);
        moves++;
      }
    }
    assert.ok(moves >= 10, `only ${moves} line moves`);
    const one = await getJson(s, `/odds-api/player-props?date=${DATE}&event_id=${events.data[0].id}&time=13:15`);
    assert.equal(one.data.id, events.data[0].id);
    assert.equal(one.timestamp, snaps[1].timestamp);
    const dec = await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=0&oddsFormat=decimal`);
    assert.ok(dec.data[0].bookmakers[0].markets[0].outcomes.every((o: Outcome) => o.price > 1 && o.price < 3));
  });
});

test('bettingpros props mirror the same board in offers/selections/books/lines', async () => {
  await withSource(async (s) => {
    const bp = await getJson(s, `/bettingpros/player-props?date=${DATE}&market=points&snapshot=4`);
    const odds = await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=4`);
    const oddsPlayers = new Set([...linesOf(odds).keys()].map((k) => k.split('|')[1]));
    assert.equal(bp.offers.length, oddsPlayers.size);
    for (const offer of bp.offers) {
      assert.equal(offer.market_id, 156);
      assert.ok(oddsPlayers.has(offer.participants[0].name));
      assert.deepEqual(offer.selections.map((x: any) => x.selection), ['over', 'under']);
      for (const sel of offer.selections) for (const b of sel.books) assert.equal(b.lines[0].line % 1, 0.5);
    }
    assert.equal((await getRaw(s, `/bettingpros/player-props?date=${DATE}&market=rebounds`)).status, 400);
  });
});

test('injury report changes through the day with valid statuses', async () => {
  await withSource(async (s) => {
    let changed = 0;
    for (const date of [DATE, '2025-12-10', '2026-01-15', '2026-02-25']) {
      const early = await getJson(s, `/nba-com/injury-report?date=${date}&time=01:30`);
      const late = await getJson(s, `/nba-com/injury-report?date=${date}`);
      assert.equal(late.report_time, '17:30');
      for (const e of [...early.entries, ...late.entries]) {
        assert.ok(INJURY_STATUSES.includes(e.current_status));
        assert.match(e.player_name, /^[^,]+, .+$/);
      }
      if (JSON.stringify(early.entries) !== JSON.stringify(late.entries)) changed++;
    }
    assert.ok(changed >= 2);
    const before = await getJson(s, `/nba-com/injury-report?date=${DATE}&time=00:30`);
    assert.equal(before.report_time, null);
    assert.deepEqual(before.entries, []);
  });
});

test('control flip makes a player Out from 14:00 on: later snapshots, props and game only', async () => {
  await withSource(async (s) => {
    const late = await getJson(s, `/nba-com/injury-report?date=${DATE}`);
    const listed = new Set(late.entries.map((e: any) => e.player_name));
    const props0 = linesOf(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=1`));
    const candidates = s.data.gamebooks(DATE).gamebooks.flatMap((g) => g.start_time_et > '15:00' ? g.teams.flatMap((t) => t.players) : []);
    const target = candidates.find((p) => p.starter && p.status === 'active' && !listed.has(p.player_name.split(' ').reverse().join(', ')) && [...props0.keys()].some((k) => k.endsWith(`|${p.player_name}`)));
    assert.ok(target, 'no suitable player');
    const reportName = `${target.player_name.split(' ').slice(1).join(' ')}, ${target.player_name.split(' ')[0]}`;
    const before1330 = await getJson(s, `/nba-com/injury-report?date=${DATE}&time=13:30`);

    const res = await post(s, '/_control/injury-flip', { date: DATE, player_lookup: target.player_lookup, from: '14:00', status: 'Out', reason: 'Injury/Illness - Left Ankle; Sprain' });
    assert.equal(res.status, 200);

    const after1330 = await getJson(s, `/nba-com/injury-report?date=${DATE}&time=13:30`);
    assert.deepEqual(after1330.entries, before1330.entries);
    assert.ok(after1330.available_times.includes('14:00'));
    for (const time of ['14:00', '16:00', '23:00']) {
      const r = await getJson(s, `/nba-com/injury-report?date=${DATE}&time=${time}`);
      const e = r.entries.find((x: any) => x.player_name === reportName);
      assert.equal(e?.current_status, 'Out', `at ${time}`);
    }
    const hasLine = (payload: any) => [...linesOf(payload).keys()].some((k) => k.endsWith(`|${target.player_name}`));
    assert.ok(hasLine(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=1`)), 'still listed at 12:00');
    assert.ok(!hasLine(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=2`)), 'pulled at 14:00');
    const gb = s.data.gamebooks(DATE).gamebooks.flatMap((g) => g.teams.flatMap((t) => t.players)).find((p) => p.player_id === target.player_id)!;
    assert.equal(gb.status, 'inactive');
    assert.equal(gb.dnp_reason, 'DNP - Injury/Illness - Left Ankle; Sprain');

    await post(s, '/_control/reset', {});
    assert.deepEqual((await getJson(s, `/nba-com/injury-report?date=${DATE}`)).entries, late.entries);
  });
});

test('control late prop adds a line for a player who had none, from its snapshot on', async () => {
  await withSource(async (s) => {
    const snap4 = linesOf(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=4`));
    const offered = new Set([...snap4.keys()].map((k) => k.split('|')[1]));
    const bench = s.data.gamebooks(DATE).gamebooks.flatMap((g) => g.teams.flatMap((t) => t.players)).find((p) => p.status === 'active' && !offered.has(p.player_name) && tipsAfterLastSnapshot(s, p.player_id))!;
    assert.ok(bench);
    const res = await post(s, '/_control/late-prop', { date: DATE, player_id: bench.player_id, line: 6.5, books: ['draftkings', 'betmgm'], from_snapshot: 3 });
    assert.equal(res.status, 200);
    const at = async (i: number) => linesOf(await getJson(s, `/odds-api/player-props?date=${DATE}&snapshot=${i}`));
    assert.ok(![...(await at(2)).keys()].some((k) => k.endsWith(`|${bench.player_name}`)));
    for (const i of [3, 4]) {
      const l = await at(i);
      assert.equal(l.get(`draftkings|${bench.player_name}`), 6.5);
      assert.equal(l.get(`betmgm|${bench.player_name}`), 6.5);
      assert.equal(l.get(`fanduel|${bench.player_name}`), undefined);
    }
    const bp = await getJson(s, `/bettingpros/player-props?date=${DATE}&snapshot=3`);
    assert.ok(bp.offers.some((o: any) => o.participants[0].name === bench.player_name));
  });
});

/** Late-prop target must tip after the last snapshot (18:00 ET) so the line is visible. */
function tipsAfterLastSnapshot(s: SampleSource, playerId: number): boolean {
  const g = s.data.gamebooks(DATE).gamebooks.find((x) => x.teams.some((t) => t.players.some((p) => p.player_id === playerId)));
  return (g?.start_time_et ?? '') > '18:00';
}
