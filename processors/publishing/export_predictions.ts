// Phase 6: the date's predictions as public JSON (v1/predictions/{date}.json, v1/best-bets/{date}.json,
// and for today's date the latest pointers v1/tonight/all-players.json and v1/players/{p}.json) and
// as documents (predictions/daily/{date}, games/{game_id}, players/{p}). Every file is validated
// against its schema before anything is written, and is a pure function of the rows read: a
// re-run on identical inputs writes identical bytes (the engine then records no new version), and
// a change to one player changes only that player's files and the date-level ones.
import { defineProcessor } from 'pipeline/processor';
import { bestBets, CRITERIA } from './best_bets.js';
import { ownsLatest, publishDocument, publishObject } from './publish.js';
import { counts, dateView, playerEntry, PUBLISHED_SYSTEM, recentForm, totals, type DateView, type PlayerView } from './view.js';

const OBJECTS = 'objects/api_predictions';
const DAILY_SUMMARY_PICKS = 5;

export function predictionsFile(v: DateView) {
  return {
    game_date: v.date, system: PUBLISHED_SYSTEM, totals: totals(v),
    games: v.games.map((g) => ({ game_id: g.gameId, home_team: g.homeTeam, away_team: g.awayTeam, recommendations: counts(g.players), predictions: g.players.map(playerEntry) })),
  };
}

export function bestBetsFile(v: DateView) {
  const picks = bestBets(v.players);
  return { game_date: v.date, system: PUBLISHED_SYSTEM, criteria: CRITERIA, total: picks.length, picks };
}

export function playerFile(v: DateView, p: PlayerView, form: Record<string, number | null> | null) {
  return {
    player_lookup: p.player, team: p.team, game_date: v.date, game_id: p.gameId, opponent: p.opponent, is_home: p.isHome,
    injury_status: p.injuryStatus, prediction: p.prediction, systems: p.systems, recent_form: form,
  };
}

export function tonightFile(v: DateView, forms: Map<string, Record<string, number | null>>) {
  return {
    game_date: v.date, system: PUBLISHED_SYSTEM, total_players: v.players.length,
    players: v.players.map((p) => ({
      player_lookup: p.player, team: p.team, opponent: p.opponent, game_id: p.gameId, is_home: p.isHome, injury_status: p.injuryStatus,
      prediction: p.prediction, recent_form: forms.get(p.player) ?? null,
    })),
  };
}

export function dailyDocument(v: DateView) {
  return {
    game_date: v.date, system: PUBLISHED_SYSTEM, totals: totals(v),
    games: v.games.map((g) => ({ game_id: g.gameId, home_team: g.homeTeam, away_team: g.awayTeam, recommendations: counts(g.players) })),
    player_props: v.players.map((p) => ({ player_lookup: p.player, team: p.team, game_id: p.gameId, prediction: p.prediction })),
    best_bets: bestBets(v.players, DAILY_SUMMARY_PICKS),
  };
}

export default defineProcessor('export_predictions', {
  async run(ctx) {
    const [predictions, context, cache] = await Promise.all([
      ctx.read('nba_predictions.player_prop_predictions'),
      ctx.read('nba_analytics.upcoming_player_game_context'),
      ctx.read('nba_precompute.player_daily_cache'),
    ]);
    const v = dateView(ctx.partition, predictions, context);
    // Scoped to changed players: their pages and games, plus the date-level files (which list everyone).
    const only = ctx.scope?.kind === 'player' ? new Set(ctx.scope.ids) : null;
    const forms = recentForm(cache);
    const date = ctx.partition;

    await publishObject(ctx, OBJECTS, `v1/predictions/${date}.json`, 'predictions', predictionsFile(v));
    await publishObject(ctx, OBJECTS, `v1/best-bets/${date}.json`, 'best-bets', bestBetsFile(v));
    await publishDocument(ctx, 'documents/predictions_daily', `predictions/daily/${date}`, 'doc-predictions-daily', dailyDocument(v));
    for (const g of v.games) {
      if (only && !g.players.some((p) => only.has(p.player))) continue;
      await publishDocument(ctx, 'documents/games', `games/${g.gameId}`, 'doc-game', {
        game_id: g.gameId, game_date: date, home_team: g.homeTeam, away_team: g.awayTeam, recommendations: counts(g.players), player_props: g.players.map(playerEntry),
      });
    }
    const latest = ownsLatest(ctx);
    if (latest) {
      await publishObject(ctx, OBJECTS, 'v1/tonight/all-players.json', 'tonight-all-players', tonightFile(v, forms));
      for (const p of v.players) {
        if (only && !only.has(p.player)) continue;
        const file = playerFile(v, p, forms.get(p.player) ?? null);
        await publishObject(ctx, OBJECTS, `v1/players/${p.player}.json`, 'player', file);
        await publishDocument(ctx, 'documents/players', `players/${p.player}`, 'doc-player', file);
      }
    }
    ctx.log.info(`published ${v.players.length} players in ${v.games.length} games`, { latest_pointers: latest, rows: predictions.length });
  },
});
