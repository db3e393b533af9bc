// scheduler.tf.json: one Cloud Scheduler job per schedule of the spec, calling
// POST {service URL}/schedules/{name} with an OIDC token of the invoker account, and the reconcile
// job, calling POST {service URL}/reconcile every few minutes the same way (crash repair).
import { topologyOf, type ReconcileJobPlan, type SchedulerJobPlan } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, literal, ref, secondsText, TfDoc, tfName, value } from './syntax.js';

type Job = Omit<SchedulerJobPlan, 'schedule' | 'target' | 'path' | 'description'> & Pick<ReconcileJobPlan, 'description'> & { path: string };

export function schedulerDoc(plan: Plan): TfDoc {
  const doc = new TfDoc();
  const t = topologyOf(plan);
  for (const j of t.schedulerJobs) doc.resource('google_cloud_scheduler_job', tfName(j.schedule), job({ ...j, description: j.description ?? `Runs ${j.target.kind} ${j.target.name} (schedule ${j.schedule}).` }));
  // Schedule names start with a lower-case letter, so no schedule's resource can take this name.
  doc.resource('google_cloud_scheduler_job', '_reconcile', job(t.reconcileJob));
  return doc;
}

function job(j: Job): Record<string, unknown> {
  return {
    name: j.id,
    description: literal(j.description),
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
  };
}
