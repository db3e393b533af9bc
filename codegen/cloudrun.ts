// infra/cloudrun/service.yaml: the Knative serving v1 Service for `gcloud run services replace`, for
// deploying without Terraform. ${IMAGE} and ${PROJECT} are filled in at deploy time (envsubst).
import { stringify } from 'yaml';
import { serviceAccountEmail, topologyOf } from '../engine/infra/topology.js';
import { SHUTDOWN } from '../engine/service/settings.js';
import type { Plan } from '../engine/spec/plan.js';
import { yamlFile } from './formats.js';
import { MAX_INSTANCES, RESOURCES, serviceSettings, type EnvValue } from './service.js';

export const SERVICE_YAML = 'infra/cloudrun/service.yaml';
export const PARAMS = { project: '${PROJECT}', region: '${REGION}', image: '${IMAGE}', serviceUrl: '${SERVICE_URL}' } as const;

export function serviceManifest(plan: Plan): Record<string, unknown> {
  const s = serviceSettings(plan);
  const t = topologyOf(plan);
  const param = { ...PARAMS, invokerEmail: serviceAccountEmail(t.serviceAccounts.invoker, PARAMS.project) };
  const envValue = (v: EnvValue) => ('text' in v ? v.text : param[v.param]);
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      labels: { pipeline: plan.name, 'cloud.googleapis.com/location': PARAMS.region },
      annotations: { 'run.googleapis.com/ingress': 'all' },
    },
    spec: {
      template: {
        metadata: { annotations: { 'autoscaling.knative.dev/maxScale': String(MAX_INSTANCES) } },
        spec: {
          containerConcurrency: s.concurrency,
          timeoutSeconds: s.timeoutSeconds,
          serviceAccountName: serviceAccountEmail(t.serviceAccounts.service, PARAMS.project),
          containers: [{
            image: PARAMS.image,
            env: s.env.map((e) => ({ name: e.name, value: envValue(e.value) })),
            resources: { limits: { ...RESOURCES } },
          }],
        },
      },
    },
  };
}

export function cloudRunFiles(plan: Plan): Record<string, string> {
  const intro = [
    `# Cloud Run service of pipeline ${plan.name}. Deploy without Terraform:`,
    '#   export PROJECT=my-project REGION=us-west2 IMAGE=...',
    `#   export SERVICE_URL=https://${plan.project.service}-$(gcloud projects describe "$PROJECT" --format='value(projectNumber)').$REGION.run.app`,
    '#   envsubst < infra/cloudrun/service.yaml > /tmp/service.yaml',
    '#   gcloud run services replace /tmp/service.yaml --project "$PROJECT" --region "$REGION"',
    `# On SIGTERM Cloud Run waits ${SHUTDOWN.graceSeconds} s before SIGKILL (a fixed grace: there is no field for it); the`,
    `# service drains for PIPELINE_DRAIN_MS, ${SHUTDOWN.reserveMs / 1000} s less, to release what did not finish and flush its log.`,
  ].join('\n');
  return { [SERVICE_YAML]: yamlFile(`${intro}\n${stringify(serviceManifest(plan), { lineWidth: 0 })}`) };
}
