// Phase 5: grades the partition's predictions against player_game_summary. Only games with actuals
// are graded (a game without any box-score row is not final yet: its predictions wait for the next
// run, which the summary's update triggers); inside a graded game a player without a row, or one
// who did not play, is voided as DNP. Scoped runs grade only the scoped players' predictions.
import { defineProcessor } from 'pipeline/processor';
import { actualOf, grade, type Actual, type AccuracyRow } from './grading.js';
import { str } from './values.js';

/** Coverage the reference system waits for before grading a date (logged as a warning here). */
const MIN_GAME_COVERAGE = 0.9;

export default defineProcessor('prediction_grading', {
  async run(ctx) {
    const scope = ctx.scope;
    const [predictions, summaries] = await Promise.all([
      ctx.read('nba_predictions.player_prop_predictions', { scope }),
      // Unscoped: whether a game is final must not depend on the run's scope (a few hundred rows).
      ctx.read('nba_analytics.player_game_summary'),
    ]);
    const actuals = new Map<string, Actual>();
    const gamesWithActuals = new Set<string>();
    const teamsWithActuals = new Set<string>();
    for (const r of summaries) {
      const player = str(r.player_lookup);
      if (player) actuals.set(player, actualOf(r));
      const game = str(r.game_id);
      if (game) gamesWithActuals.add(game);
      const team = str(r.team_abbr);
      if (team) teamsWithActuals.add(team);
    }
    // A game is final when any of its players (or its team) has a row; a player without one in it did not play.
    const final = (game: string | null, team: string | null) => (game ? gamesWithActuals.has(game) : false) || (team ? teamsWithActuals.has(team) : false);
    const rows: AccuracyRow[] = [];
    const waiting = new Set<string>();
    const predictedGames = new Set<string>();
    for (const p of predictions) {
      const player = str(p.player_lookup);
      const system = str(p.system_id);
      if (!player || !system) continue;
      const game = str(p.game_id);
      const team = str(p.team_abbr);
      if (game) predictedGames.add(game);
      if (!actuals.has(player) && !final(game, team)) {
        waiting.add(game ?? `${player}?`);
        continue;
      }
      rows.push(grade({ ...p, system_id: system, player_lookup: player, game_id: game, team_abbr: team, opponent_team_abbr: str(p.opponent_team_abbr) }, actuals.get(player)));
    }
    const coverage = predictedGames.size ? (predictedGames.size - waiting.size) / predictedGames.size : 1;
    if (waiting.size) ctx.log.warn(`${waiting.size} game(s) without actuals yet: their predictions are not graded`, { games: [...waiting].sort(), coverage });
    if (scope === null && coverage < MIN_GAME_COVERAGE) ctx.log.warn(`only ${Math.round(coverage * 100)}% of predicted games have actuals`);
    ctx.log.info(`graded ${rows.length} predictions`, { voided: rows.filter((r) => r.is_voided).length });
    ctx.write(rows);
  },
});
