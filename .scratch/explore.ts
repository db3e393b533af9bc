import { startNbaEnv, processorsOf, tableRows } from '../tests/processors/support.js';
import { runCascade } from '../engine/runtime/cascade.js';
import { gameDayClock } from '../processors/demo/clock.js';
import { historyDates } from '../processors/demo/dates.js';
import type { LogEntry } from '../engine/ports.js';

const D = process.argv[2] ?? '2025-11-20';
const nba = await startNbaEnv({ seed: 42, clock: gameDayClock(D) });
const show = (label: string, log: LogEntry[]) => {
  console.log(`--- ${label}`);
  for (const e of log) if (['run:started', 'run:succeeded', 'skip:duplicate', 'run:failed', 'run:failed-terminal', 'gate:fired', 'stage:fired', 'fanout:started'].includes(e.event) && (e.phase ?? '') !== 'scrapersX')
    console.log(`${e.event.padEnd(16)} ${(e.phase ?? '').padEnd(11)} ${(e.processor ?? e.gate ?? '').padEnd(30)} ${e.partition} ${e.scope ?? ''} ${e.event === 'run:succeeded' ? JSON.stringify(e.changedEntities)?.slice(0, 150) + ' ' + (e.reasons ?? []).join(',').slice(0, 100) : ''}`);
};
try {
  let t = Date.now();
  const hist = historyDates(D, 10);
  await runCascade(nba.local, { dates: hist, backfill: { mode: true, reason: 'h', stopAfter: 'analytics' } });
  console.log('history', Date.now() - t); t = Date.now();
  const scrapers = processorsOf(nba.plan, 'scrapers').filter((s) => s !== 'scrape_bdb_play_by_play');
  const first = await runCascade(nba.local, { dates: [D], processors: scrapers });
  console.log('cascade', Date.now() - t); t = Date.now();
  console.log('first: failures', first.filter((e) => e.event.startsWith('run:failed')).map((e) => `${e.processor} ${e.errorMessage}`));
  const preds = await tableRows(nba, 'nba_predictions.player_prop_predictions', D);
  const p = preds.filter((r) => r.system_id === 'ensemble' && typeof r.current_points_line === 'number').sort((a, b) => String(a.player_lookup).localeCompare(String(b.player_lookup)))[3]!;
  console.log('flip', p.player_lookup, p.team_abbr, p.recommendation, p.predicted_points);
  nba.source.control.flipInjury({ date: D, player_lookup: String(p.player_lookup), from: '14:00', status: 'Out' });
  const flip = await runCascade(nba.local, { dates: [D], processors: ['scrape_nbac_injury_report'] });
  console.log('flip ms', Date.now() - t); t = Date.now();
  show('flip', flip);
  const gb = (await tableRows(nba, 'nba_raw.nbac_gamebook_player_stats', D)).find((r) => r.player_status === 'active' && Number(r.points) > 10 && r.player_lookup !== p.player_lookup)!;
  console.log('correct', gb.player_lookup, gb.points);
  nba.source.control.correctBoxScore({ date: D, game_id: String(gb.game_id), player_lookup: String(gb.player_lookup), points: Number(gb.points) + 3 });
  const corr = await runCascade(nba.local, { dates: [D], processors: ['scrape_nbac_gamebook', 'scrape_nbac_player_boxscore', 'scrape_nbac_team_boxscore'] });
  console.log('corr ms', Date.now() - t); t = Date.now();
  show('correction', corr);
  const late = await runCascade(nba.local, { dates: [D], processors: ['scrape_bdb_play_by_play'] });
  console.log('late ms', Date.now() - t); t = Date.now();
  show('late bdb', late);
} finally {
  await nba.cleanup();
}
