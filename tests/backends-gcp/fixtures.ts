// A small spec for the GCP backend tests: a table of every column type with entities, a table keyed
// by the partition only, an external table, a bucket, an object collection and documents.
import os from 'node:os';
import { planFromText } from '../../engine/spec/index.js';
import { tableOf, type Plan, type TablePlan } from '../../engine/spec/plan.js';

export const GCP_SPEC = `
version: 1
name: gcpt
partition: { key: game_date, timezone: UTC }
project: { id: spec-project, topic_prefix: "t-" }
entities:
  player: {}
  team: {}
buckets:
  scraped: { name: spec-scraped-bucket }
objects:
  raw_json: { bucket: scraped, path: "raw/{date}/{ts}.json" }
documents:
  daily: { path: "predictions/daily/{date}" }
datasets:
  nba_raw:
    tables:
      boxscores:
        columns:
          game_date: { type: date }
          player_lookup: { type: string }
          team_abbr: { type: string }
          points: { type: int64 }
          minutes: { type: float64 }
          usage: { type: numeric }
          starter: { type: bool }
          scraped_at: { type: timestamp }
          extra: { type: json }
        key: [player_lookup]
        entities: { player: player_lookup, team: team_abbr }
      schedule:
        external: true
        columns: { game_date: { type: date }, game_id: { type: string } }
        key: [game_id]
  nba_analytics:
    tables:
      summary:
        columns: { game_date: { type: date }, players: { type: int64 } }
        key: [game_date]
        mode: upsert
phases:
  raw: { number: 1, topic: raw-complete }
  analytics: { number: 2, topic: analytics-complete }
processors:
  load_box: { phase: raw, module: none.ts, writes: nba_raw.boxscores }
  summarize:
    phase: analytics
    module: none.ts
    writes: nba_analytics.summary
    reads: { nba_raw.boxscores: { critical: true } }
`;

export function gcpPlan(): Plan {
  const r = planFromText(GCP_SPEC, 'gcpt.yaml', os.tmpdir(), { checkModules: false });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

export function table(plan: Plan, ref: string): TablePlan {
  const t = tableOf(plan, ref);
  if (!t) throw new Error(`no table ${ref}`);
  return t;
}
