// The NBA reference pipeline as a ChaosPipeline: its real modules over the deterministic sample source.
// The story: yesterday's history through analytics (fault-free, for the rolling windows of phase 4),
// then today's scrapers and full cascade under faults, with later updates of the outside world — an
// injury flip, a late prop line, a corrected box score — each followed by the re-scrape that would
// pick it up. The sample source serves what the clock says, so time stands still until the faults stop.
import { instantOf } from '../../engine/core/dates.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { loadPlan, renderDiagnostics } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';
import { gamesOn, roster, SampleControl, startSampleSource, type CorrectionInput, type InjuryFlipInput, type LatePropInput } from '../../processors/sample-source/index.js';
import { SPEC_FILE } from '../processors/support.js';
import type { ChaosPipeline, Request, StoryUpdate } from './pipeline.js';

const SEED = 42;
const TODAY = '2025-11-15';
const YESTERDAY = '2025-11-14';

type Change = { kind: 'flip'; input: InjuryFlipInput } | { kind: 'late-prop'; input: LatePropInput } | { kind: 'correction'; input: CorrectionInput };

// What each change makes the source serve differently, so the story re-scrapes all of it (the oracle
// compares with a fault-free run of the final world). An injury flip before tip-off changes the game
// itself — a player ruled Out does not play, so box scores, play-by-play and props all change — hence
// every scraper of the date; a late prop line shows in both props feeds. A flip takes effect after
// the day's last props snapshot (18:00 ET), before tip-off of four of the five games: the source never rewrites a snapshot it
// may already have served, as the books never do, since upsert tables keep every snapshot seen (a
// retroactive change would make the outputs depend on when the first scrape ran, not on the world).
const RESCRAPE: Record<Exclude<Change['kind'], 'flip'>, string[]> = {
  'late-prop': ['scrape_oddsa_player_props', 'scrape_bp_player_props'],
  correction: ['scrape_nbac_gamebook', 'scrape_nbac_player_boxscore', 'scrape_nbac_team_boxscore', 'scrape_nbac_play_by_play', 'scrape_nbac_scoreboard_v2', 'scrape_bdb_play_by_play'],
};

let cached: Plan | undefined;

function scrapers(plan: Plan): string[] {
  return plan.order.filter((n) => plan.processors.get(n)!.phase === plan.phases[0]!.name);
}

function apply(control: SampleControl, c: Change): void {
  if (c.kind === 'flip') control.flipInjury(c.input);
  else if (c.kind === 'late-prop') control.addLateProp(c.input);
  else control.correctBoxScore(c.input);
}

export const nba: ChaosPipeline = {
  name: 'nba',
  clockStart: instantOf(TODAY, '15:00', 'America/New_York'),
  frozenClock: true,
  steps: 400,
  plan() {
    if (cached) return cached;
    const loaded = loadPlan(SPEC_FILE, { checkModules: false });
    if (!loaded.plan) throw new Error(`pipeline.yaml is invalid:\n${renderDiagnostics(loaded.diagnostics)}`);
    return (cached = loaded.plan);
  },
  story(r) {
    const plan = nba.plan();
    const games = gamesOn(SEED, TODAY);
    const check = new SampleControl(SEED);
    const updates: StoryUpdate[] = [];
    for (let tries = 0; updates.length < r.int(1, 2) && tries < 20; tries++) {
      const g = r.pick(games);
      const player = r.pick(roster(SEED, r.chance(0.5) ? g.home : g.away).slice(0, 9));
      const kind = r.pick(['flip', 'late-prop', 'correction'] as const);
      const change: Change =
        kind === 'flip' ? { kind, input: { date: TODAY, player_lookup: player.lookup, from: '18:30', status: r.pick(['Out', 'Questionable'] as const) } }
          : kind === 'late-prop' ? { kind, input: { date: TODAY, player_lookup: player.lookup, line: r.int(5, 30) + 0.5 } }
            : { kind, input: { date: TODAY, player_lookup: player.lookup, game_id: g.gameId, points: r.int(0, 40) } };
      try {
        apply(check, change); // the control refuses what cannot happen (a player who did not play)
      } catch {
        continue;
      }
      updates.push({ label: `${kind} ${player.lookup}`, partition: TODAY, late: r.chance(0.5), change, requests: (kind === 'flip' ? scrapers(plan) : RESCRAPE[kind]).map((p) => ({ processor: p, partition: TODAY })) });
    }
    const start: Request[] = scrapers(plan).map((p) => ({ processor: p, partition: TODAY }));
    const prepare: Request[] = scrapers(plan).map((p) => ({ processor: p, partition: YESTERDAY, backfill: { mode: true, reason: 'history', stopAfter: 'analytics' } }));
    return { partitions: [YESTERDAY, TODAY], prepare, start, updates, data: { seed: SEED } };
  },
  async open() {
    const source = await startSampleSource({ seed: SEED, port: 0 });
    const env = { SOURCE_BASE_URL: source.url };
    return { executor: new ModuleExecutor(env), apply: (u) => apply(source.control, u.change as Change), close: () => source.close() };
  },
};
