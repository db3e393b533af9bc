// Control endpoints and error handling: box-score corrections stay consistent across
// every endpoint, failure injection (500 / non-JSON / truncated), reset, 404/400/405.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATE, getJson, getRaw, post, rowsOf, withSource } from './helpers.js';

test('corrected box score is consistent across gamebook, box scores, scoreboard and both play-by-plays', async () => {
  await withSource(async (s) => {
    const gb0 = (await getJson(s, `/nba-com/gamebooks?date=${DATE}`)).gamebooks[0];
    const team = gb0.teams[1];
    const p = team.players.find((x: any) => x.status === 'active' && x.fga >= 5);
    const target = { points: p.pts + 7, fgm: p.fgm + 2 };
    const res = await post(s, '/_control/correct-boxscore', { date: DATE, game_id: gb0.game_id, player_id: p.player_id, ...target });
    assert.equal(res.status, 200, JSON.stringify(res.json));

    const gb = await getJson(s, `/nba-com/gamebook?date=${DATE}&game_code=${encodeURIComponent(gb0.game_code)}`);
    const t = gb.teams[1];
    const np = t.players.find((x: any) => x.player_id === p.player_id);
    assert.equal(np.pts, target.points);
    assert.equal(np.fgm, target.fgm);
    assert.equal(t.score, team.score + 7);
    assert.equal(t.players.filter((x: any) => x.status === 'active').reduce((a: number, x: any) => a + x.pts, 0), t.score);
    assert.equal(gb.teams[0].score, gb0.teams[0].score);

    const players = rowsOf(await getJson(s, `/nba-com/boxscore/players?date=${DATE}&game_id=${gb0.game_id}`), 'PlayerStats');
    const row = players.find((r) => r.PLAYER_ID === p.player_id)!;
    assert.equal(row.PTS, target.points);
    assert.equal(row.FGM, target.fgm);
    const teams = rowsOf(await getJson(s, `/nba-com/boxscore/teams?date=${DATE}&game_id=${gb0.game_id}`), 'TeamStats');
    assert.equal(teams.find((r) => r.TEAM_ABBREVIATION === t.team_abbr)!.PTS, t.score);
    const board = await getJson(s, `/nba-com/scoreboard?date=${DATE}`);
    assert.equal(board.scoreboard.games.find((g: any) => g.gameId === gb0.game_id).homeTeam.score, t.score);

    const pbp = await getJson(s, `/nba-com/play-by-play?date=${DATE}&game_id=${gb0.game_id}`);
    const shots = pbp.game.actions.filter((a: any) => a.isFieldGoal === 1 && a.personId === p.player_id);
    assert.equal(shots.filter((a: any) => a.shotResult === 'Made').length, target.fgm);
    assert.equal(Number(pbp.game.actions.at(-1).scoreHome), t.score);
    const bdb: any[] = await getJson(s, `/bigdataball/play-by-play?date=${DATE}&game_id=${gb0.game_id}`);
    assert.equal(bdb.filter((r) => r.player === p.player_name && r.points).reduce((a, r) => a + r.points, 0), target.points);
    assert.equal(bdb.at(-1).home_score, t.score);

    await post(s, '/_control/reset', {});
    assert.equal((await getJson(s, `/nba-com/gamebook?date=${DATE}&game_code=${encodeURIComponent(gb0.game_code)}`)).teams[1].score, team.score);
  });
});

test('failure injection: 500 for the next N calls, then non-JSON and truncated JSON', async () => {
  await withSource(async (s) => {
    const path = '/nba-com/scoreboard';
    assert.equal((await post(s, '/_control/fail', { path, count: 2 })).status, 200);
    const other = await getRaw(s, `/nba-com/schedule?date=${DATE}`);
    assert.equal(other.status, 200);
    for (let i = 0; i < 2; i++) {
      const r = await getRaw(s, `${path}?date=${DATE}`);
      assert.equal(r.status, 500);
      assert.ok(JSON.parse(r.text).error);
    }
    assert.equal((await getRaw(s, `${path}?date=${DATE}`)).status, 200);

    await post(s, '/_control/fail', { path: '/odds-api/*', mode: 'non-json' });
    const html = await getRaw(s, `/odds-api/events?date=${DATE}`);
    assert.equal(html.status, 200);
    assert.match(html.type, /text\/html/);
    assert.throws(() => JSON.parse(html.text));
    await post(s, '/_control/fail', { path, mode: 'truncated-json' });
    const truncated = await getRaw(s, `${path}?date=${DATE}`);
    assert.equal(truncated.status, 200);
    assert.throws(() => JSON.parse(truncated.text));
    await post(s, '/_control/fail', { path, count: 5, status: 503 });
    assert.equal((await getRaw(s, `${path}?date=${DATE}`)).status, 503);
    await post(s, '/_control/reset', {});
    assert.equal((await getRaw(s, `${path}?date=${DATE}`)).status, 200);
  });
});

test('programmatic control API matches the HTTP one', async () => {
  await withSource(async (s) => {
    const g = s.data.gamebooks(DATE).gamebooks[0]!;
    const p = g.teams[0]!.players.find((x) => x.status === 'active')!;
    s.control.correctBoxScore({ date: DATE, game_id: g.game_id, player_id: p.player_id, points: 0, fgm: 0 });
    const after = await getJson(s, `/nba-com/gamebook?date=${DATE}&game_code=${encodeURIComponent(g.game_code)}`);
    const np = after.teams[0].players.find((x: any) => x.player_id === p.player_id);
    assert.equal(np.pts, 0);
    assert.equal(np.fgm, 0);
    assert.equal(s.control.state().corrections.length, 1);
    s.control.failNext({ path: '/nba-com/gamebooks' });
    assert.equal((await getRaw(s, `/nba-com/gamebooks?date=${DATE}`)).status, 500);
    s.control.reset();
    assert.equal(s.control.state().corrections.length, 0);
  });
});

test('404, 400 and 405 handling', async () => {
  await withSource(async (s) => {
    const r404 = await getRaw(s, '/nba-com/nope');
    assert.equal(r404.status, 404);
    assert.ok(JSON.parse(r404.text).error);
    assert.equal((await getRaw(s, `/nba-com/play-by-play?date=${DATE}&game_id=0022599999`)).status, 404);
    assert.equal((await getRaw(s, `/nba-com/gamebook?date=${DATE}&game_code=20251115/XXXYYY`)).status, 404);
    for (const q of ['/nba-com/scoreboard', '/nba-com/scoreboard?date=11/15/2025', '/nba-com/scoreboard?date=2025-02-30', '/odds-api/events?date=']) {
      const r = await getRaw(s, q);
      assert.equal(r.status, 400, q);
      assert.equal(JSON.parse(r.text).accepted, 'YYYY-MM-DD');
    }
    assert.equal((await getRaw(s, `/nba-com/play-by-play?date=${DATE}`)).status, 400);
    assert.equal((await getRaw(s, `/odds-api/player-props?date=${DATE}&snapshot=9`)).status, 400);
    assert.equal((await getRaw(s, `/nba-com/injury-report?date=${DATE}&time=25:00`)).status, 400);
    assert.equal((await getRaw(s, '/nba-com/schedule?season=1999')).status, 400);
    assert.equal((await post(s, '/_control/injury-flip', { date: DATE, player_lookup: 'nobody', from: '14:00', status: 'Out' })).status, 400);
    assert.equal((await post(s, '/_control/injury-flip', { date: DATE, player_id: 1, from: '2pm', status: 'Out' })).status, 400);
    assert.equal((await post(s, '/_control/fail', { path: 'x' })).status, 400);
    const bad = await getRaw(s, '/_control/reset', { method: 'POST', body: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal((await getRaw(s, '/_control/reset')).status, 405);
    assert.equal((await getRaw(s, `/nba-com/scoreboard?date=${DATE}`, { method: 'POST', body: '{}' })).status, 405);
    assert.equal((await getJson(s, '/nba-com/scoreboard?date=2025-12-24')).scoreboard.games.length, 0);
  });
});
