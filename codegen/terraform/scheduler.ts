// scheduler.tf.json: one Cloud Scheduler job per schedule of the spec, calling
// POST {service URL}/schedules/{name} with an OIDC token of the invoker account.
import { topologyOf } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, literal, ref, secondsText, TfDoc, tfName, value } from './syntax.js';

export function schedulerDoc(plan: Plan): TfDoc {
  const doc = new TfDoc();
  for (const j of topologyOf(plan).schedulerJobs) {
    doc.resource('google_cloud_scheduler_job', tfName(j.schedule), {
      name: j.id,
      description: literal(j.description ?? `Runs ${j.target.kind} ${j.target.name} (schedule ${j.schedule}).`),
      region: value(ADDR.region),
      schedule: j.cron,
      time_zone: j.timeZone,
      attempt_deadline: secondsText(j.attemptDeadlineSeconds),
      retry_config: { retry_count: j.retryCount, min_backoff_duration: secondsText(j.minBackoffSeconds), max_backoff_duration: secondsText(j.maxBackoffSeconds) },
      http_target: {
        http_method: j.method,
        uri: `${value(ADDR.serviceUrl)}${j.path}`,
        body: Buffer.from(j.body).toString('base64'),
        headers: { 'Content-Type': 'application/json' },
        oidc_token: { service_account_email: ref(ADDR.invokerAccount, 'email'), audience: value(ADDR.serviceUrl) },
      },
      depends_on: [ADDR.service],
    });
  }
  return doc;
}
