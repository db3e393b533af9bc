// Teams, rosters and the season calendar: 30 teams, ~15 stable players each, 5-15
// games per game date, no team twice a day, back-to-backs present.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEAMS } from '../../processors/sample-source/index.js';
import { DATE, getJson, withSource } from './helpers.js';

const ABBRS = 'ATL BOS BKN CHA CHI CLE DAL DEN DET GSW HOU IND LAC LAL MEM MIA MIL MIN NOP NYK OKC ORL PHI PHX POR SAC SAS TOR UTA WAS'.split(' ');

test('30 real teams; season schedule covers them all with back-to-backs', async () => {
  assert.deepEqual(TEAMS.map((t) => t.abbr).sort(), [...ABBRS].sort());
  await withSource(async (s) => {
    const sched = await getJson(s, '/nba-com/schedule?season=2025');
    const dates: Array<{ gameDate: string; games: any[] }> = sched.leagueSchedule.gameDates;
    const teamDates = new Map<string, string[]>();
    const ids = new Set<string>();
    for (const gd of dates) {
      assert.ok(gd.games.length >= 5 && gd.games.length <= 15, `${gd.gameDate}: ${gd.games.length} games`);
      const seen = new Set<string>();
      for (const g of gd.games) {
        const iso = g.gameDateEst.slice(0, 10);
        assert.match(g.gameId, /^00225\d{5}$/);
        assert.equal(g.gameCode, `${iso.replaceAll('-', '')}/${g.awayTeam.teamTricode}${g.homeTeam.teamTricode}`);
        assert.ok(!ids.has(g.gameId));
        ids.add(g.gameId);
        for (const t of [g.homeTeam.teamTricode, g.awayTeam.teamTricode]) {
          assert.ok(!seen.has(t), `${t} twice on ${iso}`);
          seen.add(t);
          teamDates.set(t, [...(teamDates.get(t) ?? []), iso]);
        }
      }
    }
    assert.deepEqual([...teamDates.keys()].sort(), [...ABBRS].sort());
    let backToBacks = 0;
    for (const [t, ds] of teamDates) {
      assert.ok(ds.length >= 70 && ds.length <= 90, `${t} plays ${ds.length}`);
      for (let i = 1; i < ds.length; i++) {
        const gap = (Date.parse(ds[i]!) - Date.parse(ds[i - 1]!)) / 86_400_000;
        if (gap === 1) backToBacks++;
      }
      const avgGap = (Date.parse(ds.at(-1)!) - Date.parse(ds[0]!)) / 86_400_000 / (ds.length - 1);
      assert.ok(avgGap > 1.6 && avgGap < 2.8, `${t} avg gap ${avgGap}`);
    }
    assert.ok(backToBacks > 30, `only ${backToBacks} back-to-backs`);
    const first = dates[0]!.games[0];
    assert.equal(first.gameDateEst.slice(0, 10), '2025-10-21');
    assert.equal(dates.at(-1)!.games[0].gameDateEst.slice(0, 10), '2026-04-12');
  });
});

test('schedule for one date, empty dates, and arenas', async () => {
  await withSource(async (s) => {
    const day = await getJson(s, `/nba-com/schedule?date=${DATE}`);
    const games = day.leagueSchedule.gameDates[0].games;
    assert.ok(games.length >= 5);
    for (const g of games) {
      assert.match(g.startTimeEt, /^\d{2}:\d{2}$/);
      assert.ok(g.arenaName.length > 0);
    }
    const off = await getJson(s, '/nba-com/schedule?date=2025-12-24');
    assert.deepEqual(off.leagueSchedule.gameDates, []);
    const summer = await getJson(s, '/nba-com/gamebooks?date=2025-08-01');
    assert.deepEqual(summer.gamebooks, []);
  });
});

test('rosters: ~15 players per team with stable ids and letters-only player_lookup across dates', async () => {
  await withSource(async (s) => {
    const lookupById = new Map<number, string>();
    const playersByTeam = new Map<string, Set<number>>();
    for (const date of ['2025-10-28', DATE, '2026-01-10', '2026-03-20']) {
      const books = await getJson(s, `/nba-com/gamebooks?date=${date}`);
      for (const gb of books.gamebooks) {
        for (const t of gb.teams) {
          assert.equal(t.players.length, 15);
          const set = playersByTeam.get(t.team_abbr) ?? new Set<number>();
          for (const p of t.players) {
            assert.match(p.player_lookup, /^[a-z]+$/);
            const prev = lookupById.get(p.player_id);
            if (prev) assert.equal(prev, p.player_lookup, `lookup changed for ${p.player_id}`);
            lookupById.set(p.player_id, p.player_lookup);
            set.add(p.player_id);
          }
          playersByTeam.set(t.team_abbr, set);
        }
      }
    }
    for (const [t, set] of playersByTeam) assert.equal(set.size, 15, `${t} roster size`);
    assert.equal(new Set(lookupById.values()).size, lookupById.size, 'lookups unique');
  });
});
