// variables.tf.json: provider, inputs (project, region, image, notification channels), the shared
// locals (IAM members of the service, the invoker and the Pub/Sub service agent) and outputs.
import type { Plan } from '../../engine/spec/plan.js';
import { topologyOf } from '../../engine/infra/topology.js';
import { ADDR, ref, TfDoc, value } from './syntax.js';

export function variablesDoc(plan: Plan): TfDoc {
  const t = topologyOf(plan);
  const doc = new TfDoc()
    .add('terraform', 'required_version', '>= 1.5')
    .add('terraform', 'required_providers', { google: { source: 'hashicorp/google', version: '>= 5.40' } })
    .add('provider', 'google', { project: `\${${ADDR.project}}`, region: `\${${ADDR.region}}` })
    .add('variable', 'project', { type: 'string', description: 'Google Cloud project id.', ...(plan.project.id ? { default: plan.project.id } : {}) })
    .add('variable', 'region', { type: 'string', description: 'Region of Cloud Run, Cloud Scheduler, BigQuery datasets and buckets.', default: plan.project.region })
    .add('variable', 'image', { type: 'string', description: 'Container image of the engine, e.g. REGION-docker.pkg.dev/PROJECT/REPO/pipeline:TAG.' })
    .add('variable', 'notification_channels', { type: 'list(string)', description: 'Cloud Monitoring notification channel ids the alert policies notify.', default: [] })
    .data('google_project', 'project', { project_id: `\${${ADDR.project}}` })
    .add('locals', 'service_member', `serviceAccount:${ref(ADDR.serviceAccount, 'email')}`)
    .add('locals', 'invoker_member', `serviceAccount:${ref(ADDR.invokerAccount, 'email')}`)
    // Cloud Run's deterministic URL, known before the service exists (the service checks it as its OIDC audience).
    .add('locals', 'service_url', `https://${t.service}-${ref(ADDR.projectData, 'number')}.${value(ADDR.region)}.run.app`)
    .add('locals', 'pubsub_agent', `serviceAccount:service-${ref(ADDR.projectData, 'number')}@gcp-sa-pubsub.iam.gserviceaccount.com`)
    .add('output', 'service_url', { description: `URL of the ${t.service} Cloud Run service (pushes, scheduler calls, OIDC audience).`, value: value(ADDR.serviceUrl) })
    .add('output', 'service_account', { description: 'The identity the service runs as.', value: ref(ADDR.serviceAccount, 'email') })
    .add('output', 'invoker_account', { description: 'The identity of Pub/Sub pushes and scheduler calls.', value: ref(ADDR.invokerAccount, 'email') });
  return doc;
}
