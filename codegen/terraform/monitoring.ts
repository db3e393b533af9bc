// monitoring.tf.json: log-based metrics over the engine's structured logs and the alert policies:
// messages waiting on a dead-letter queue, a run failure rate above 5 %, a data check failing.
// The GCP runtime logs every execution-log entry as one JSON line (jsonPayload.event, .processor,
// ...) on stdout; Cloud Run forwards it to Cloud Logging, where these metrics count it.
import { topologyOf } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, literal, ref, TfDoc, value } from './syntax.js';

export const FAILURE_RATE_THRESHOLD = 0.05;

const quote = (s: string) => JSON.stringify(s);
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function logFilter(plan: Plan, eventCondition: string): string {
  return `resource.type="cloud_run_revision" AND resource.labels.service_name=${quote(plan.project.service)} AND ${eventCondition}`;
}

export function monitoringDoc(plan: Plan): TfDoc {
  const t = topologyOf(plan);
  const doc = new TfDoc();
  const userLabels = { pipeline: plan.name.replace(/[^a-z0-9_-]/g, '_') };
  const common = { combiner: 'OR', notification_channels: value(ADDR.notificationChannels), user_labels: userLabels, severity: 'ERROR' };
  const docs = (text: string) => ({ content: literal(text), mime_type: 'text/markdown' });

  doc.resource('google_logging_metric', 'run_outcomes', {
    name: `${plan.name}-run-outcomes`,
    description: `Finished runs of pipeline ${plan.name} by outcome (run:succeeded, run:failed, run:failed-terminal) and processor.`,
    filter: logFilter(plan, 'jsonPayload.event=~"^run:(succeeded|failed|failed-terminal)$"'),
    metric_descriptor: {
      metric_kind: 'DELTA', value_type: 'INT64', unit: '1',
      labels: [{ key: 'event', value_type: 'STRING', description: 'Outcome.' }, { key: 'processor', value_type: 'STRING', description: 'Processor.' }],
    },
    label_extractors: { event: 'EXTRACT(jsonPayload.event)', processor: 'EXTRACT(jsonPayload.processor)' },
  });
  doc.resource('google_logging_metric', 'check_failures', {
    name: `${plan.name}-check-failures`,
    description: `Data checks of pipeline ${plan.name} that failed (check:failed).`,
    filter: logFilter(plan, 'jsonPayload.event="check:failed"'),
    metric_descriptor: { metric_kind: 'DELTA', value_type: 'INT64', unit: '1', labels: [{ key: 'check', value_type: 'STRING', description: 'Check name.' }] },
    label_extractors: { check: 'EXTRACT(jsonPayload.detail.check)' },
  });

  const metricType = (resource: string) => `metric.type="logging.googleapis.com/user/${ref(`google_logging_metric.${resource}`, 'name')}"`;
  const dlqSubs = t.topics.map((x) => x.deadLetter.subscription);
  doc.resource('google_monitoring_alert_policy', 'dead_letters', {
    ...common,
    display_name: `${plan.name}: messages on a dead-letter queue`,
    documentation: docs(`A message failed every delivery attempt and was dead-lettered. Inspect with \`pipeline dlq list\`, fix the cause, then replay. Subscriptions: ${dlqSubs.join(', ')}.`),
    conditions: [{
      display_name: 'undelivered messages on a -dlq-sub subscription',
      condition_threshold: {
        filter: `resource.type="pubsub_subscription" AND metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.labels.subscription_id=monitoring.regex.full_match(${quote(`(${dlqSubs.map(regexEscape).join('|')})`)})`,
        comparison: 'COMPARISON_GT', threshold_value: 0, duration: '60s',
        aggregations: [{ alignment_period: '60s', per_series_aligner: 'ALIGN_MAX' }],
        trigger: { count: 1 },
      },
    }],
  });
  doc.resource('google_monitoring_alert_policy', 'failure_rate', {
    ...common,
    display_name: `${plan.name}: run failure rate above ${FAILURE_RATE_THRESHOLD * 100}%`,
    documentation: docs('More than 5 % of the runs that finished in the last 15 minutes failed. See the recent-failures query in infra/monitoring.'),
    conditions: [{
      display_name: 'failed runs / finished runs > 5 %',
      condition_threshold: {
        filter: `${metricType('run_outcomes')} AND metric.labels.event=monitoring.regex.full_match("run:failed.*")`,
        denominator_filter: metricType('run_outcomes'),
        comparison: 'COMPARISON_GT', threshold_value: FAILURE_RATE_THRESHOLD, duration: '0s',
        aggregations: [{ alignment_period: '900s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' }],
        denominator_aggregations: [{ alignment_period: '900s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' }],
        trigger: { count: 1 },
      },
    }],
  });
  doc.resource('google_monitoring_alert_policy', 'check_failed', {
    ...common,
    display_name: `${plan.name}: a data check failed`,
    documentation: docs('A data check of pipeline.yaml (row count, coverage or freshness) is below its fail threshold. See `pipeline explain` and the freshness query in infra/monitoring.'),
    conditions: [{
      display_name: 'check:failed logged',
      condition_threshold: {
        filter: metricType('check_failures'),
        comparison: 'COMPARISON_GT', threshold_value: 0, duration: '0s',
        aggregations: [{ alignment_period: '300s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' }],
        trigger: { count: 1 },
      },
    }],
  });
  return doc;
}
