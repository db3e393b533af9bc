// Phases 1–2 through the real engine (DuckDB, files, in-process bus) against the sample source:
// scrapers write raw JSON at the declared object paths, raw processors load the nba_raw tables; re-runs
// are no-ops; corrections, injury flips, 5xx and non-JSON answers behave as the platform needs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { patternRegex } from '../../engine/core/messages.js';
import { SourceFormatError } from '../../engine/runtime/processor.js';
import type { Row } from '../../engine/ports.js';
import { MissingConfigError, sourceBaseUrl } from '../../processors/scrapers/lib/base-url.js';
import { pathSafe } from '../../processors/scrapers/lib/paths.js';
import { expectShape } from '../../processors/scrapers/lib/shape.js';
import { teamAbbr } from '../../processors/scrapers/lib/teams.js';
import { etToUtcIso, objectTs, pathTs, toEt } from '../../processors/scrapers/lib/timestamps.js';
import { playerLookup } from '../../processors/raw/lib/names.js';
import { latestPerFolder } from '../../processors/raw/lib/objects.js';
import { minutesOf, shotZone } from '../../processors/raw/lib/values.js';
import { clockOf } from '../../processors/raw/nbac_play_by_play.js';
import {
  assetUpdates, entriesOf, objectPaths, processorsOf, runThrough, spyPublished, startNbaEnv, tableRows, type NbaEnv,
} from './support.js';

const DATE = '2025-11-15';
const NO_GAMES = '2025-11-27'; // Thanksgiving
const RAW_TABLES = [
  'nba_raw.nbac_schedule', 'nba_raw.nbac_scoreboard_v2', 'nba_raw.nbac_gamebook_player_stats', 'nba_raw.nbac_player_boxscores',
  'nba_raw.nbac_team_boxscore', 'nba_raw.nbac_play_by_play', 'nba_raw.nbac_injury_report', 'nba_raw.odds_api_player_points_props',
  'nba_raw.bettingpros_player_points_props', 'nba_raw.bigdataball_play_by_play',
];
const COLLECTIONS = [
  'objects/nbac_schedule', 'objects/nbac_scoreboard_v2', 'objects/nbac_gamebook', 'objects/nbac_player_boxscore', 'objects/nbac_team_boxscore',
  'objects/nbac_play_by_play', 'objects/nbac_injury_report', 'objects/oddsa_player_props', 'objects/bp_player_props', 'objects/bdb_play_by_play',
];

const count = <T>(xs: T[], f: (x: T) => string) => xs.reduce((m, x) => m.set(f(x), (m.get(f(x)) ?? 0) + 1), new Map<string, number>());

describe('phase 1–2 library pieces', () => {
  it('normalizes player names and team spellings', () => {
    assert.equal(playerLookup('LeBron James'), 'lebronjames');
    assert.equal(playerLookup('James, LeBron'), 'lebronjames');
    assert.equal(playerLookup('Nikola Jokić'), 'nikolajokic');
    assert.equal(playerLookup("De'Aaron Fox"), 'deaaronfox');
    assert.equal(playerLookup('Trent Jr., Gary'), 'garytrentjr');
    assert.equal(teamAbbr('Los Angeles Clippers'), 'LAC');
    assert.equal(teamAbbr('LA Clippers'), 'LAC');
    assert.equal(teamAbbr('PHO'), 'PHX');
    assert.equal(teamAbbr('Philadelphia 76ers'), 'PHI');
    assert.equal(teamAbbr('Nowhere Nobodies'), undefined);
  });

  it('formats times from the data, ET-aware across DST', () => {
    assert.equal(etToUtcIso('2025-11-15', '17:30'), '2025-11-15T22:30:00Z');
    assert.equal(etToUtcIso('2025-10-25', '17:30'), '2025-10-25T21:30:00Z');
    assert.equal(etToUtcIso('2026-03-08', '12:00'), '2026-03-08T16:00:00Z'); // DST began at 02:00
    assert.deepEqual(toEt('2025-11-16T01:00:00Z'), { date: '2025-11-15', hhmm: '20:00' });
    assert.equal(pathTs('2025-11-15T22:30:00Z'), '20251115T223000Z');
    assert.equal(objectTs('2025-11-16 03:12:43.1243', 0, 'u'), '20251116T031243Z'); // zone-less nba.com meta.time is UTC
    assert.throws(() => objectTs('yesterday-ish', 0, 'http://x/y'), (e: Error) => e instanceof SourceFormatError && /http:\/\/x\/y/.test(e.message));
    assert.equal(pathSafe('20251115/BOSLAL'), '20251115_BOSLAL');
  });

  it('converts minutes, clocks and shot zones', () => {
    assert.equal(minutesOf('32:37'), 32.62);
    assert.equal(minutesOf(null), null);
    assert.equal(clockOf('PT11M39.00S'), '11:39');
    assert.equal(clockOf('PT00M05.30S'), '0:05.3');
    assert.equal(shotZone(false, 8), 'paint');
    assert.equal(shotZone(false, 9), 'mid_range');
    assert.equal(shotZone(true, 22), 'three');
  });

  it('reports schema drift naming the field and the URL', () => {
    const shape = { games: [{ gameId: 'string', homeTeam: { score: 'integer?' } }] } as const;
    expectShape({ games: [{ gameId: '1', homeTeam: { score: null } }] }, shape, 'u');
    assert.throws(
      () => expectShape({ games: [{ gameId: '1', homeTeam: {} }, { gameId: 2, homeTeam: {} }] }, shape, 'http://src/nba-com/scoreboard?date=x'),
      (e: Error) => e instanceof SourceFormatError && e.message.includes('games[1].gameId must be string, found number') && e.message.includes('http://src/nba-com/scoreboard?date=x'),
    );
    assert.throws(() => expectShape({}, shape, 'u'), /schema drift in u: games is missing/);
  });

  it('resolves base URLs per source, falling back to SOURCE_BASE_URL, and fails clearly without one', () => {
    const ctx = (env: Record<string, string>) => ({ env: (n: string) => env[n] });
    assert.equal(sourceBaseUrl(ctx({ SOURCE_BASE_URL: 'http://all/' }), 'ODDS_API_BASE_URL'), 'http://all');
    assert.equal(sourceBaseUrl(ctx({ SOURCE_BASE_URL: 'http://all', ODDS_API_BASE_URL: 'https://odds' }), 'ODDS_API_BASE_URL'), 'https://odds');
    assert.throws(() => sourceBaseUrl(ctx({}), 'BETTINGPROS_BASE_URL'), (e: Error) => {
      assert.ok(e instanceof MissingConfigError);
      assert.equal((e as MissingConfigError).retryable, false);
      assert.match(e.message, /BETTINGPROS_BASE_URL/);
      assert.match(e.message, /SOURCE_BASE_URL/);
      return true;
    });
  });

  it('picks the latest object per folder by its {ts}', () => {
    const o = (path: string) => ({ path, body: Buffer.from('{}'), json: <T>() => ({}) as T });
    const got = latestPerFolder([o('x/d/g1/20251115T230000Z.json'), o('x/d/g1/20251116T010000Z.json'), o('x/d/g2/20251115T230000Z.json')]).map((x) => x.path);
    assert.deepEqual(got, ['x/d/g1/20251116T010000Z.json', 'x/d/g2/20251115T230000Z.json']);
  });
});

describe('phase 1–2 through the engine (sample source, DuckDB)', () => {
  let nba: NbaEnv;
  let scrapers: string[];
  const rows: Record<string, Row[]> = {};

  before(async () => {
    nba = await startNbaEnv({ seed: 42 });
    scrapers = processorsOf(nba.plan, 'scrapers');
  });
  after(async () => {
    await nba?.cleanup();
  });

  it('scrapes a game date and loads every raw table', async () => {
    const log = await runThrough(nba, [DATE], 'raw');
    const failed = log.filter((e) => e.event.startsWith('run:failed'));
    assert.deepEqual(failed.map((e) => `${e.processor}: ${e.errorMessage}`), []);
    assert.equal(entriesOf(log, 'run:succeeded').filter((e) => e.phase === 'scrapers').length, scrapers.length);
    assert.deepEqual(new Set(entriesOf(log, 'run:succeeded').filter((e) => e.phase === 'raw').map((e) => e.processor)), new Set(processorsOf(nba.plan, 'raw')));
    for (const t of RAW_TABLES) {
      rows[t] = await tableRows(nba, t, DATE);
      assert.ok(rows[t]!.length > 0, `${t} has rows`);
      const table = nba.plan.assets.get(t)!;
      assert.ok(table.kind === 'table');
      for (const r of rows[t]!) for (const k of table.key) assert.ok(r[k] !== null && r[k] !== undefined && r[k] !== '', `${t}: key ${k} set`);
    }
  });

  it('writes objects at the declared path patterns, with path-safe game codes and data timestamps', async () => {
    for (const ref of COLLECTIONS) {
      const a = nba.plan.assets.get(ref)!;
      assert.ok(a.kind === 'objects');
      const paths = await objectPaths(nba, ref, DATE);
      assert.ok(paths.length > 0, `${ref} has objects`);
      for (const p of paths) assert.match(p, patternRegex(a.path), `${p} matches ${a.path}`);
    }
    const schedule = rows['nba_raw.nbac_schedule']!;
    const gamebooks = await objectPaths(nba, 'objects/nbac_gamebook', DATE);
    assert.deepEqual(gamebooks.map((p) => p.split('/')[3]).sort(), schedule.map((g) => pathSafe(String(g.game_code))).sort());
    // {ts} = the data's time: injury reports at their report times (ET 01:30 08:30 13:30 17:30)
    const reports = await objectPaths(nba, 'objects/nbac_injury_report', DATE);
    assert.deepEqual(reports.map((p) => p.split('/').slice(3).join('/')), ['01/20251115T063000Z.json', '08/20251115T133000Z.json', '13/20251115T183000Z.json', '17/20251115T223000Z.json']);
    const props = await objectPaths(nba, 'objects/bp_player_props', DATE);
    assert.deepEqual(props.map((p) => p.split('/').pop()), ['20251115T150000Z.json', '20251115T170000Z.json', '20251115T190000Z.json', '20251115T210000Z.json', '20251115T230000Z.json']);
  });

  it('schedule, scoreboard and team box scores agree', () => {
    const schedule = rows['nba_raw.nbac_schedule']!;
    assert.ok(schedule.length >= 5);
    for (const g of schedule) {
      assert.match(String(g.game_id), /^00225\d{5}$/);
      assert.match(String(g.game_code), /^20251115\/[A-Z]{6}$/);
      assert.equal(String(g.game_code).slice(9), `${g.away_team_abbr}${g.home_team_abbr}`);
      assert.match(String(g.start_time_et), /^\d{2}:\d{2}$/);
      assert.equal(g.season, '2025-26');
    }
    const sb = new Map(rows['nba_raw.nbac_scoreboard_v2']!.map((r) => [r.game_id, r] as const));
    const teams = rows['nba_raw.nbac_team_boxscore']!;
    assert.equal(teams.length, schedule.length * 2);
    for (const t of teams) {
      const g = sb.get(t.game_id)!;
      assert.equal(g.game_status, 'Final');
      assert.equal(t.points, t.is_home ? g.home_score : g.away_score);
      assert.equal(t.team_abbr, t.is_home ? g.home_team_abbr : g.away_team_abbr);
      assert.ok(Number(t.points) >= 70 && Number(t.points) <= 170, `plausible score ${t.points}`);
      assert.ok(Number(t.fga) >= 60 && Number(t.fga) <= 120, `plausible FGA ${t.fga}`);
    }
  });

  it('gamebook: ≥ 20 players per game, statuses and DNP reasons, lookups like the source, totals match the team box', () => {
    const gb = rows['nba_raw.nbac_gamebook_player_stats']!;
    const perGame = count(gb, (r) => String(r.game_id));
    for (const [g, n] of perGame) assert.ok(n >= 20, `game ${g} has ${n} gamebook rows`);
    const statuses = count(gb, (r) => String(r.player_status));
    assert.ok(statuses.get('active')! > 0 && statuses.get('dnp')! > 0 && statuses.get('inactive')! > 0, JSON.stringify([...statuses]));
    for (const r of gb) {
      assert.match(String(r.player_lookup), /^[a-z]+$/);
      if (r.player_status === 'active') assert.ok(typeof r.minutes === 'number' && typeof r.points === 'number');
      else assert.ok(r.dnp_reason && r.minutes === null && r.points === null, `${r.player_lookup}: ${r.player_status} has a reason and no stats`);
    }
    assert.ok(gb.some((r) => String(r.dnp_reason).includes("Coach's Decision")));
    // Lookups match the ones the source prints
    const source = nba.source.data.gamebooks(DATE).gamebooks.flatMap((g: any) => g.teams.flatMap((t: any) => t.players.map((p: any) => p.player_lookup)));
    assert.deepEqual(new Set(gb.map((r) => r.player_lookup)), new Set(source));
    // Player points sum to the team box score
    for (const t of rows['nba_raw.nbac_team_boxscore']!) {
      const sum = gb.filter((r) => r.game_id === t.game_id && r.team_abbr === t.team_abbr).reduce((a, r) => a + Number(r.points ?? 0), 0);
      assert.equal(sum, t.points, `${t.team_abbr} points`);
    }
    const box = rows['nba_raw.nbac_player_boxscores']!;
    const byKey = new Map(gb.map((r) => [`${r.game_id}|${r.player_lookup}`, r] as const));
    assert.equal(box.length, gb.length);
    for (const b of box) assert.equal(b.points, byKey.get(`${b.game_id}|${b.player_lookup}`)?.points);
  });

  it('play-by-play: shot distances and zones (paint ≤ 8 ft) that add up to the gamebook by zone', () => {
    const pbp = rows['nba_raw.nbac_play_by_play']!;
    const shots = pbp.filter((r) => r.event_type === '2pt' || r.event_type === '3pt');
    assert.deepEqual(new Set(shots.map((r) => r.shot_zone)), new Set(['paint', 'mid_range', 'three']));
    for (const s of shots) {
      assert.equal(typeof s.shot_distance_ft, 'number');
      if (s.shot_zone === 'paint') assert.ok(Number(s.shot_distance_ft) <= 8);
      if (s.shot_zone === 'mid_range') assert.ok(Number(s.shot_distance_ft) > 8);
      assert.equal(s.shot_zone === 'three', s.event_type === '3pt');
      assert.equal(s.points, s.shot_made ? (s.event_type === '3pt' ? 3 : 2) : 0);
      assert.ok(s.player_lookup, 'shooter named');
    }
    assert.equal(pbp.filter((r) => r.shot_zone !== null && r.event_type !== '2pt' && r.event_type !== '3pt').length, 0);
    // Zone attempts per player equal the source gamebook's paint/mid/three splits
    const src = nba.source.data.gamebooks(DATE).gamebooks.flatMap((g: any) => g.teams.flatMap((t: any) => t.players.filter((p: any) => p.status === 'active').map((p: any) => ({ g: g.game_id, ...p }))));
    for (const p of src.slice(0, 40)) {
      const mine = shots.filter((s) => s.game_id === p.g && s.player_lookup === p.player_lookup);
      assert.deepEqual(
        [mine.filter((s) => s.shot_zone === 'paint').length, mine.filter((s) => s.shot_zone === 'mid_range').length, mine.filter((s) => s.shot_zone === 'three').length],
        [p.paint_fga, p.mid_fga, p.fg3a], `${p.player_lookup} zone attempts`,
      );
    }
    // Per-game points from the play-by-play equal the scoreboard
    for (const g of rows['nba_raw.nbac_scoreboard_v2']!) {
      const pts = pbp.filter((r) => r.game_id === g.game_id).reduce((a, r) => a + Number(r.points ?? 0), 0);
      assert.equal(pts, Number(g.home_score) + Number(g.away_score));
    }
    const bdb = rows['nba_raw.bigdataball_play_by_play']!;
    const bdbShots = bdb.filter((r) => r.shot_zone !== null);
    assert.equal(bdbShots.length, shots.length, 'one BigDataBall shot per nba.com field goal attempt');
    assert.deepEqual(count(bdbShots, (r) => String(r.shot_zone)), count(shots, (r) => String(r.shot_zone)));
  });

  it('injury report: every snapshot kept, names turned around, game ids attached', () => {
    const inj = rows['nba_raw.nbac_injury_report']!;
    const times = [...new Set(inj.map((r) => String(r.report_time)))].sort();
    assert.equal(times.length, 4);
    const games = new Set(rows['nba_raw.nbac_schedule']!.map((r) => r.game_id));
    for (const r of inj) {
      assert.ok(games.has(r.game_id), `${r.player_lookup} has a game id`);
      assert.match(String(r.status), /^(Out|Doubtful|Questionable|Probable|Available)$/);
    }
    const listed = nba.source.data.injuryReport(DATE).entries.map((e: any) => playerLookup(e.player_name));
    const gbPlayers = new Set(rows['nba_raw.nbac_gamebook_player_stats']!.map((r) => r.player_lookup));
    for (const l of listed) assert.ok(gbPlayers.has(l), `${l} (from "Last, First") is a gamebook player`);
  });

  it('props: several books and snapshots, events mapped to nba game ids, bettingpros books under odds-api keys', () => {
    const odds = rows['nba_raw.odds_api_player_points_props']!;
    const books = new Set(odds.map((r) => r.bookmaker));
    assert.ok(books.size >= 4, `books: ${[...books].join(', ')}`);
    assert.ok(new Set(odds.map((r) => r.snapshot_time)).size >= 3);
    const schedule = new Set(rows['nba_raw.nbac_schedule']!.map((r) => r.game_id));
    for (const r of odds) {
      assert.ok(schedule.has(r.game_id), `event ${r.event_id} mapped to a game`);
      assert.match(String(r.event_id), /^[0-9a-f]{32}$/);
      assert.equal(Number(r.points_line) % 1, 0.5);
      assert.ok(Number.isInteger(r.over_price) && Number.isInteger(r.under_price));
    }
    // one player's line history at one book: several snapshots kept
    const hist = count(odds, (r) => `${r.bookmaker}|${r.player_lookup}`);
    assert.ok(Math.max(...hist.values()) >= 3);
    const bp = rows['nba_raw.bettingpros_player_points_props']!;
    assert.ok([...new Set(bp.map((r) => r.bookmaker))].every((b) => books.has(b)), 'bettingpros books use odds-api keys');
    assert.ok(new Set(bp.map((r) => r.snapshot_time)).size >= 3);
  });

  it('re-running the same date writes no new version and publishes nothing', async () => {
    const { result: log, published } = await spyPublished(nba, () => runThrough(nba, [DATE], 'raw'));
    const ok = entriesOf(log, 'run:succeeded');
    assert.equal(ok.length, scrapers.length);
    for (const e of ok) assert.deepEqual(e.reasons, ['content unchanged: no new version, no event'], e.processor);
    assert.deepEqual(assetUpdates(published), []);
    assert.equal(entriesOf(log, 'run:started').filter((e) => e.phase === 'raw').length, 0);
    for (const t of RAW_TABLES) assert.equal((await tableRows(nba, t, DATE)).length, rows[t]!.length, `${t}: no duplicated rows`);
  });

  it('a corrected box score produces a new raw version whose changed entities include the corrected player', async () => {
    const g = rows['nba_raw.nbac_gamebook_player_stats']!.find((r) => r.player_status === 'active' && Number(r.points) >= 4)!;
    const before = Number(g.points);
    nba.source.control.correctBoxScore({ date: DATE, game_id: String(g.game_id), player_lookup: String(g.player_lookup), points: before + 2 });
    const { result: log, published } = await spyPublished(nba, () => runThrough(nba, [DATE], 'raw'));
    assert.deepEqual(log.filter((e) => e.event.startsWith('run:failed')).map((e) => e.errorMessage), []);
    for (const asset of ['nba_raw.nbac_gamebook_player_stats', 'nba_raw.nbac_player_boxscores']) {
      const updates = assetUpdates(published, asset);
      assert.equal(updates.length, 1, `${asset} updated once`);
      assert.ok(Number(updates[0]!.version) >= 2);
      const changed = updates[0]!.changed_entities as Record<string, string[]>;
      assert.ok(changed.player!.includes(String(g.player_lookup)), `${asset} changed players include ${g.player_lookup}`);
      assert.ok(changed.game!.includes(String(g.game_id)));
    }
    const after = (await tableRows(nba, 'nba_raw.nbac_gamebook_player_stats', DATE)).find((r) => r.game_id === g.game_id && r.player_lookup === g.player_lookup)!;
    assert.equal(after.points, before + 2);
    const team = (await tableRows(nba, 'nba_raw.nbac_team_boxscore', DATE)).find((r) => r.game_id === g.game_id && r.team_abbr === g.team_abbr)!;
    const teamBefore = rows['nba_raw.nbac_team_boxscore']!.find((r) => r.game_id === g.game_id && r.team_abbr === g.team_abbr)!;
    assert.equal(team.points, Number(teamBefore.points) + 2);
    // other games' objects were rewritten identically: no change there
    assert.equal((await tableRows(nba, 'nba_raw.nbac_gamebook_player_stats', DATE)).length, rows['nba_raw.nbac_gamebook_player_stats']!.length);
    // unchanged sources published nothing
    assert.deepEqual(assetUpdates(published, 'nba_raw.odds_api_player_points_props'), []);
    assert.deepEqual(assetUpdates(published, 'nba_raw.nbac_injury_report'), []);
  });

  it('an injury flip adds a new injury snapshot and keeps the earlier ones', async () => {
    const inj0 = await tableRows(nba, 'nba_raw.nbac_injury_report', DATE);
    const listed = new Set(inj0.map((r) => r.player_lookup));
    const target = rows['nba_raw.nbac_gamebook_player_stats']!.find((r) => r.player_status === 'active' && r.is_starter && !listed.has(r.player_lookup))!;
    nba.source.control.flipInjury({ date: DATE, player_lookup: String(target.player_lookup), from: '14:00', status: 'Out', reason: 'Injury/Illness - Left Calf; Strain' });
    const { result: log, published } = await spyPublished(nba, () => runThrough(nba, [DATE], 'raw'));
    assert.deepEqual(log.filter((e) => e.event.startsWith('run:failed')).map((e) => e.errorMessage), []);
    const updates = assetUpdates(published, 'nba_raw.nbac_injury_report');
    assert.equal(updates.length, 1);
    assert.ok((updates[0]!.changed_entities as Record<string, string[]>).player!.includes(String(target.player_lookup)));
    const inj = await tableRows(nba, 'nba_raw.nbac_injury_report', DATE);
    const mine = inj.filter((r) => r.player_lookup === target.player_lookup).map((r) => [String(r.report_time).slice(11, 16), r.status]).sort();
    assert.deepEqual(mine, [['19:00', 'Out'], ['22:30', 'Out']]); // 14:00 and 17:30 ET
    // every earlier snapshot row is still there, unchanged
    const now = new Map(inj.map((r) => [`${r.report_time}|${r.player_lookup}`, r] as const));
    for (const r of inj0) assert.deepEqual(now.get(`${r.report_time}|${r.player_lookup}`), r);
    assert.equal(new Set(inj.map((r) => String(r.report_time))).size, 5);
    // the flip happened before tip-off: the gamebook lists him inactive now
    const gb = (await tableRows(nba, 'nba_raw.nbac_gamebook_player_stats', DATE)).find((r) => r.player_lookup === target.player_lookup)!;
    assert.equal(gb.player_status, 'inactive');
    assert.match(String(gb.dnp_reason), /Calf/);
  });

  it('a date with no games writes nothing and loads nothing', async () => {
    const log = await runThrough(nba, [NO_GAMES], 'raw');
    assert.deepEqual(log.filter((e) => e.event.startsWith('run:failed')).map((e) => e.errorMessage), []);
    assert.equal(entriesOf(log, 'run:succeeded').filter((e) => e.phase === 'scrapers').length, scrapers.length);
    for (const ref of COLLECTIONS) assert.deepEqual(await objectPaths(nba, ref, NO_GAMES), [], ref);
    assert.equal(entriesOf(log, 'run:started').filter((e) => e.phase === 'raw').length, 0);
  });

  it('a 500 from the source is retried inside the run and succeeds', async () => {
    const date = '2025-11-16';
    nba.source.control.failNext({ path: '/nba-com/scoreboard', count: 2, status: 500 });
    const log = await runThrough(nba, [date], 'scrapers', ['scrape_nbac_scoreboard_v2']);
    const ok = entriesOf(log, 'run:succeeded', 'scrape_nbac_scoreboard_v2');
    assert.equal(ok.length, 1);
    assert.equal(ok[0]!.attempt, 1);
    assert.equal(log.filter((e) => e.event.startsWith('run:failed')).length, 0);
    assert.equal(nba.source.control.state().failures.length, 0, 'both injected failures were consumed');
    assert.equal((await objectPaths(nba, 'objects/nbac_scoreboard_v2', date)).length, 1);
  });

  it('a non-JSON answer fails the run for good with a SourceFormatError naming the URL', async () => {
    const date = '2025-11-17';
    nba.source.control.failNext({ path: '/nba-com/scoreboard', count: 20, mode: 'non-json' });
    try {
      const log = await runThrough(nba, [date], 'scrapers', ['scrape_nbac_scoreboard_v2']);
      const started = entriesOf(log, 'run:started', 'scrape_nbac_scoreboard_v2');
      assert.equal(started.length, 1, 'one attempt: not retried');
      const failed = entriesOf(log, 'run:failed-terminal', 'scrape_nbac_scoreboard_v2');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.errorType, 'SourceFormatError');
      assert.match(String(failed[0]!.errorMessage), new RegExp(`${nba.source.url.replace(/[.]/g, '\\.')}/nba-com/scoreboard\\?date=${date}`));
      assert.match(String(failed[0]!.errorMessage), /did not answer JSON/);
      assert.deepEqual(await objectPaths(nba, 'objects/nbac_scoreboard_v2', date), []);
    } finally {
      nba.source.control.reset();
    }
  });

  it('truncated JSON is a SourceFormatError too', async () => {
    const date = '2025-11-18';
    nba.source.control.failNext({ path: '/odds-api/*', count: 1, mode: 'truncated-json' });
    try {
      const log = await runThrough(nba, [date], 'scrapers', ['scrape_oddsa_player_props']);
      const failed = entriesOf(log, 'run:failed-terminal', 'scrape_oddsa_player_props');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.errorType, 'SourceFormatError');
      assert.match(String(failed[0]!.errorMessage), /\/odds-api\/events\?date=2025-11-18/);
    } finally {
      nba.source.control.reset();
    }
  });
});
