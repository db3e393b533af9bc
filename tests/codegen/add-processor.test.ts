// A data engineer adds a table and a processor to pipeline.yaml: every artifact follows — types,
// message enums, Terraform, DDL, the topology's delivery policy and the dashboards — from one edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFileMap } from '../../codegen/filemap.js';
import { topologyOf } from '../../engine/infra/topology.js';
import { modifiedPlan, nbaPlan } from './helpers.js';

const TABLE = 'player_rebound_summary';
const REF = `nba_analytics.${TABLE}`;
const PROCESSOR = 'player_rebound_summary';

const plan = modifiedPlan([
  [['datasets', 'nba_analytics', 'tables', TABLE], {
    description: 'Rebounds per player and game.',
    columns: {
      game_date: { type: 'date' },
      game_id: { type: 'string' },
      player_lookup: { type: 'string' },
      team_abbr: { type: 'string' },
      rebounds: { type: 'int64' },
      rebound_rate: { type: 'float64', nullable: true },
    },
    key: ['game_id', 'player_lookup'],
    entities: { player: 'player_lookup', game: 'game_id', team: 'team_abbr' },
  }],
  [['processors', PROCESSOR], {
    phase: 'analytics',
    module: 'processors/analytics/player_rebound_summary.ts',
    writes: REF,
    scopes: ['player'],
    timeout: '9m',
    retry: { max_attempts: 9 },
    reads: { 'nba_raw.nbac_gamebook_player_stats': { critical: true, min_rows: 50 } },
  }],
]);
const before = buildFileMap(nbaPlan());
const after = buildFileMap(plan);
const file = (f: string) => {
  const text = after.get(f);
  assert.ok(text, `${f} is generated`);
  return text;
};

describe('adding a processor to pipeline.yaml', () => {
  it('adds its row types and its registry entry to the contracts', () => {
    const rows = file('generated/rows.ts');
    assert.match(rows, /export type NbaAnalyticsPlayerReboundSummaryRow = \{[^}]*rebounds: number \| null;[^}]*\}/s);
    assert.match(rows, /export type NbaAnalyticsPlayerReboundSummaryInput = \{[^}]*game_date\?: string[^}]*game_id: string;[^}]*\}/s);
    assert.match(rows, new RegExp(`'${REF}': NbaAnalyticsPlayerReboundSummaryRow;`));
    const contracts = file('generated/contracts.ts');
    assert.match(contracts, new RegExp(`${PROCESSOR}: \\{\\n\\s+reads: \\{ 'nba_raw.nbac_gamebook_player_stats': TableRows\\['nba_raw.nbac_gamebook_player_stats'\\] \\};\\n\\s+writes: TableInputs\\['${REF}'\\];`));
    assert.ok(!before.get('generated/contracts.ts')!.includes(PROCESSOR));
  });

  it('adds it to the message contract', () => {
    const schema = JSON.parse(file('contracts/run_requested.schema.json'));
    assert.ok(schema.properties.processor_name.enum.includes(PROCESSOR));
    const updated = JSON.parse(file('contracts/table_updated.schema.json'));
    assert.ok(updated.properties.asset.enum.includes(REF));
  });

  it('creates its table in Terraform and in the DDL, partitioned and clustered', () => {
    const tf = JSON.parse(file('infra/terraform/bigquery.tf.json'));
    const table = tf.resource.google_bigquery_table[`nba_analytics__${TABLE}`];
    assert.ok(table, 'terraform table resource');
    assert.deepEqual(table.time_partitioning, { type: 'DAY', field: 'game_date' });
    assert.deepEqual(table.clustering, ['game_id', 'player_lookup', 'team_abbr']);
    const ddl = file('infra/bigquery/nba_analytics.sql');
    assert.match(ddl, new RegExp(`CREATE TABLE IF NOT EXISTS \`${REF}\` \\([^;]*\\)\\nPARTITION BY \`game_date\`\\nCLUSTER BY \`game_id\`, \`player_lookup\`, \`team_abbr\``, 's'));
  });

  it('widens the delivery policy of the topic that triggers it', () => {
    const raw = topologyOf(plan).topics.find((t) => t.phase === 'raw')!;
    assert.ok(raw.consumers.includes(PROCESSOR));
    assert.equal(raw.push.maxDeliveryAttempts, 9);
    const tf = JSON.parse(file('infra/terraform/pubsub.tf.json'));
    assert.equal(tf.resource.google_pubsub_subscription.nba_phase2_raw_complete.dead_letter_policy.max_delivery_attempts, 9);
  });

  it('shows it in the monitoring queries and the dashboard', () => {
    assert.match(file('infra/monitoring/table_freshness.sql'), new RegExp(`STRUCT\\('${REF}' AS table_ref, '${PROCESSOR}' AS processor`));
    const dashboard = JSON.parse(file('infra/monitoring/dashboard.json'));
    const freshness = dashboard.panels.find((p: { title: string }) => p.title === 'Table freshness');
    assert.ok(freshness.targets[0].rawSql.includes(`'${REF}'`));
    assert.match(file('infra/monitoring/phase_breakdown.sql'), /STRUCT\('analytics' AS phase, 3 AS phase_number, 6 AS processors\)/);
  });

  it('changes only the files it should', () => {
    const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f)).sort();
    assert.deepEqual(changed, [
      'contracts/run_requested.schema.json', 'contracts/table_updated.schema.json',
      'generated/contracts.ts', 'generated/messages.ts', 'generated/rows.ts',
      'infra/bigquery/nba_analytics.sql', 'infra/monitoring/dashboard.json', 'infra/monitoring/phase_breakdown.sql',
      'infra/monitoring/stuck_partitions.sql', 'infra/monitoring/table_freshness.sql',
      'infra/terraform/bigquery.tf.json', 'infra/terraform/pubsub.tf.json',
    ]);
  });
});
