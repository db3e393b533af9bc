// Box-score consistency and plausibility: team totals = player sums, play-by-play
// shots (nba.com and bigdataball) = box-score FGA/FGM, value ranges, DNP reasons.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { league } from '../../processors/sample-source/index.js';
import { DATE, getJson, rowsOf, withSource } from './helpers.js';

test('team points equal the sum of player points in gamebooks and box scores', async () => {
  await withSource(async (s) => {
    const { gamebooks } = await getJson(s, `/nba-com/gamebooks?date=${DATE}`);
    const board = await getJson(s, `/nba-com/scoreboard?date=${DATE}`);
    assert.ok(gamebooks.length >= 5);
    for (const gb of gamebooks) {
      const teamsBox = rowsOf(await getJson(s, `/nba-com/boxscore/teams?date=${DATE}&game_id=${gb.game_id}`), 'TeamStats');
      const playersBox = rowsOf(await getJson(s, `/nba-com/boxscore/players?date=${DATE}&game_id=${gb.game_id}`), 'PlayerStats');
      const sb = board.scoreboard.games.find((g: any) => g.gameId === gb.game_id);
      for (const t of gb.teams) {
        const active = t.players.filter((p: any) => p.status === 'active');
        const sum = (k: string) => active.reduce((a: number, p: any) => a + p[k], 0);
        assert.equal(sum('pts'), t.score);
        assert.equal(t.totals.pts, t.score);
        for (const k of ['fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'reb', 'ast', 'tov', 'pf']) assert.equal(sum(k), t.totals[k], k);
        assert.equal(sum('paint_fga') + sum('mid_fga') + sum('fg3a'), sum('fga'));
        assert.equal(t.line_score.reduce((a: number, x: number) => a + x, 0), t.score);
        const teamRow = teamsBox.find((r) => r.TEAM_ABBREVIATION === t.team_abbr)!;
        assert.equal(teamRow.PTS, t.score);
        assert.equal(teamRow.MIN, '240:00');
        const rows = playersBox.filter((r) => r.TEAM_ABBREVIATION === t.team_abbr && r.PTS !== null);
        assert.equal(rows.reduce((a, r) => a + r.PTS, 0), t.score);
        const side = t.side === 'home' ? sb.homeTeam : sb.awayTeam;
        assert.equal(side.score, t.score);
        assert.equal(active.reduce((a: number, p: any) => a + p.plus_minus, 0), 5 * (t.score - (gb.teams.find((o: any) => o !== t).score)));
      }
      assert.notEqual(gb.teams[0].score, gb.teams[1].score);
    }
  });
});

test('play-by-play shots match box-score FGA/FGM per player (nba.com and bigdataball)', async () => {
  await withSource(async (s) => {
    const { gamebooks } = await getJson(s, `/nba-com/gamebooks?date=${DATE}`);
    for (const gb of gamebooks.slice(0, 3)) {
      const pbp = await getJson(s, `/nba-com/play-by-play?date=${DATE}&game_id=${gb.game_id}`);
      const bdb: any[] = await getJson(s, `/bigdataball/play-by-play?date=${DATE}&game_id=${gb.game_id}`);
      for (const t of gb.teams) {
        for (const p of t.players.filter((x: any) => x.status === 'active')) {
          const shots = pbp.game.actions.filter((a: any) => a.isFieldGoal === 1 && a.personId === p.player_id);
          assert.equal(shots.length, p.fga, `${p.player_name} fga`);
          assert.equal(shots.filter((a: any) => a.shotResult === 'Made').length, p.fgm);
          assert.equal(shots.filter((a: any) => a.actionType === '3pt').length, p.fg3a);
          const paint = shots.filter((a: any) => a.actionType === '2pt' && a.shotDistance <= 8);
          assert.equal(paint.length, p.paint_fga);
          assert.equal(paint.filter((a: any) => a.shotResult === 'Made').length, p.paint_fgm);
          for (const a of shots) assert.ok(Number.isInteger(a.shotDistance) && a.shotDistance >= 0 && a.shotDistance < 40);
          for (const a of shots.filter((x: any) => x.actionType === '3pt')) assert.ok(a.shotDistance >= 22);
          const fts = pbp.game.actions.filter((a: any) => a.actionType === 'freethrow' && a.personId === p.player_id);
          assert.equal(fts.length, p.fta);
          const rebs = pbp.game.actions.filter((a: any) => a.actionType === 'rebound' && a.personId === p.player_id);
          assert.equal(rebs.length, p.reb);
          const bShots = bdb.filter((r) => (r.event_type === 'shot' || r.event_type === 'miss') && r.player === p.player_name);
          assert.equal(bShots.length, p.fga);
          assert.equal(bShots.filter((r) => r.result === 'made').length, p.fgm);
          assert.equal(bShots.reduce((a, r) => a + r.points, 0) + bdb.filter((r) => r.event_type === 'free throw' && r.player === p.player_name).reduce((a, r) => a + r.points, 0), p.pts);
        }
      }
      const last = pbp.game.actions.at(-1);
      const home = gb.teams.find((t: any) => t.side === 'home');
      const away = gb.teams.find((t: any) => t.side === 'away');
      assert.equal(Number(last.scoreHome), home.score);
      assert.equal(Number(last.scoreAway), away.score);
      assert.equal(bdb.at(-1).home_score, home.score);
      assert.equal(bdb.at(-1).away_score, away.score);
    }
  });
});

test('plausible ranges, DNP reasons, and stars average 20+ over a month', async () => {
  await withSource(async (s) => {
    const starPoints = new Map<number, number[]>();
    const reasons = new Set<string>();
    let starters = 0;
    let starterMinutes = 0;
    const allPoints: number[] = [];
    for (let day = 1; day <= 30; day++) {
      const date = `2025-12-${String(day).padStart(2, '0')}`;
      const { gamebooks } = await getJson(s, `/nba-com/gamebooks?date=${date}`);
      for (const gb of gamebooks) {
        for (const t of gb.teams) {
          for (const p of t.players) {
            if (p.status !== 'active') {
              assert.equal(p.minutes, null);
              assert.ok(typeof p.dnp_reason === 'string' && p.dnp_reason.length > 0);
              reasons.add(p.dnp_reason.split(' - ')[0] + (p.dnp_reason.includes('Coach') ? ' CD' : ''));
              continue;
            }
            const [m, sec] = p.minutes.split(':').map(Number);
            const minutes = m + sec / 60;
            assert.ok(minutes > 0 && minutes <= 48, `minutes ${p.minutes}`);
            assert.ok(p.pts >= 0 && p.pts <= 70, `points ${p.pts}`);
            assert.ok(p.fgm <= p.fga && p.fg3m <= p.fg3a && p.ftm <= p.fta);
            allPoints.push(p.pts);
            starPoints.set(p.player_id, [...(starPoints.get(p.player_id) ?? []), p.pts]);
            if (p.starter) {
              starters++;
              starterMinutes += minutes;
            }
          }
        }
      }
    }
    // Every team's star (role from the roster model) averages 20+ over the month.
    const stars = league(s.seed).players.filter((p) => p.role === 'star');
    assert.equal(stars.length, 30);
    const starAvgs = stars
      .map((p) => starPoints.get(p.id) ?? [])
      .filter((v) => v.length >= 6)
      .map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    assert.ok(starAvgs.length >= 20, `${starAvgs.length} stars with 6+ games`);
    const mean = starAvgs.reduce((a, b) => a + b, 0) / starAvgs.length;
    assert.ok(mean > 22, `stars average ${mean}`);
    assert.ok(starAvgs.filter((a) => a > 20).length >= starAvgs.length * 0.8, `star averages ${starAvgs.map((a) => a.toFixed(1))}`);
    const avgStarter = starterMinutes / starters;
    assert.ok(avgStarter > 28 && avgStarter < 36, `starter minutes ${avgStarter}`);
    assert.ok(Math.max(...allPoints) >= 35);
    for (const r of ['DNP CD', 'DNP', 'NWT']) assert.ok(reasons.has(r), `missing ${r} in ${[...reasons]}`);
  });
});
