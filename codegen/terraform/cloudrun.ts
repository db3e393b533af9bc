// cloudrun.tf.json: the two service accounts (the service's own identity, and the invoker identity
// that Pub/Sub pushes and scheduler calls carry), the Cloud Run v2 service, and the invoker's right
// to call it. The Pub/Sub service agent may mint OIDC tokens for the invoker only (resource-level).
import { topologyOf } from '../../engine/infra/topology.js';
import type { Plan } from '../../engine/spec/plan.js';
import { labelValue } from '../../engine/infra/bigquery-schema.js';
import { RESOURCES, serviceSettings, type EnvValue } from '../service.js';
import { ADDR, ref, secondsText, TfDoc, value } from './syntax.js';

const PARAM = { project: value(ADDR.project), region: value(ADDR.region), serviceUrl: value(ADDR.serviceUrl), invokerEmail: ref(ADDR.invokerAccount, 'email') } as const;
const envValue = (v: EnvValue) => ('text' in v ? v.text : PARAM[v.param]);

export function cloudRunDoc(plan: Plan): TfDoc {
  const t = topologyOf(plan);
  const s = serviceSettings(plan);
  return new TfDoc()
    .resource('google_service_account', 'service', {
      account_id: t.serviceAccounts.service, display_name: `${plan.name} engine`,
      description: `Identity of the ${s.name} Cloud Run service: reads and writes the pipeline's data, publishes its events.`,
    })
    .resource('google_service_account', 'invoker', {
      account_id: t.serviceAccounts.invoker, display_name: `${plan.name} invoker`,
      description: `Identity of Pub/Sub pushes and Cloud Scheduler calls to ${s.name}: may only invoke it.`,
    })
    .resource('google_cloud_run_v2_service', 'service', {
      name: s.name, location: value(ADDR.region), ingress: 'INGRESS_TRAFFIC_ALL', deletion_protection: false,
      labels: { pipeline: labelValue(plan.name) },
      template: {
        service_account: ref(ADDR.serviceAccount, 'email'),
        timeout: secondsText(s.timeoutSeconds),
        max_instance_request_concurrency: s.concurrency,
        scaling: { min_instance_count: 0, max_instance_count: s.maxInstances },
        containers: [{
          image: value(ADDR.image),
          env: s.env.map((e) => ({ name: e.name, value: envValue(e.value) })),
          resources: { limits: { ...RESOURCES } },
        }],
      },
    })
    .resource('google_cloud_run_v2_service_iam_member', 'invoker', {
      project: ref(ADDR.service, 'project'), location: ref(ADDR.service, 'location'), name: ref(ADDR.service, 'name'),
      role: 'roles/run.invoker', member: value(ADDR.invokerMember),
    })
    .resource('google_service_account_iam_member', 'pubsub_agent_token_creator', {
      service_account_id: ref(ADDR.invokerAccount, 'name'), role: 'roles/iam.serviceAccountTokenCreator', member: value(ADDR.pubsubAgent),
    });
}
