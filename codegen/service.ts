// The Cloud Run service's settings, derived once for both renderings (Terraform and the Knative
// service.yaml): name, request timeout, concurrency, scaling, resources and environment.
import { DEFAULT_DRAIN_MS, SERVE_SETTINGS, type SettingKey } from '../engine/service/settings.js';
import type { Plan } from '../engine/spec/plan.js';

/** Request timeout: the slowest processor plus a margin for loading inputs and committing. */
export const TIMEOUT_MARGIN_SECONDS = 60;
export const CLOUD_RUN_TIMEOUT = { min: 60, max: 3600 } as const;
/** Requests per instance: most of a run waits on BigQuery and HTTP, not CPU. */
export const CONCURRENCY = 8;
export const MAX_INSTANCES = 10;
export const RESOURCES = { cpu: '1', memory: '1Gi' } as const;

/** An environment value: literal text, or a deploy-time parameter (Terraform variable / envsubst). */
export type EnvValue = { text: string } | { param: 'project' | 'region' | 'serviceUrl' | 'invokerEmail' };

export interface ServiceSettings {
  name: string;
  timeoutSeconds: number;
  concurrency: number;
  maxInstances: number;
  env: { name: string; value: EnvValue }[];
}

/**
 * The settings the deployment gives `pipeline serve`, named by their catalogue key so a manifest can
 * only set a variable the service reads. Cloud Run sets PORT itself.
 */
const DEPLOYED: ReadonlyArray<readonly [SettingKey, EnvValue]> = [
  ['backend', { text: 'gcp' }],
  ['project', { param: 'project' }],
  // The BigQuery location of the datasets Terraform creates in the region.
  ['region', { param: 'region' }],
  // The service verifies pushes and scheduler calls itself too (engine/service/oidc.ts).
  ['oidcAudience', { param: 'serviceUrl' }],
  ['oidcEmails', { param: 'invokerEmail' }],
  // Derived from the platform's grace (engine/service/settings.ts SHUTDOWN): set explicitly so the
  // deployed bound is visible beside the manifest's other settings.
  ['drainMs', { text: String(DEFAULT_DRAIN_MS) }],
];

export function serviceSettings(plan: Plan): ServiceSettings {
  const slowest = Math.max(0, ...[...plan.processors.values()].map((p) => p.timeoutMs));
  const timeoutSeconds = Math.min(CLOUD_RUN_TIMEOUT.max, Math.max(CLOUD_RUN_TIMEOUT.min, Math.ceil(slowest / 1000) + TIMEOUT_MARGIN_SECONDS));
  return {
    name: plan.project.service,
    timeoutSeconds,
    concurrency: CONCURRENCY,
    maxInstances: MAX_INSTANCES,
    env: DEPLOYED.map(([key, value]) => ({ name: SERVE_SETTINGS[key].env, value })),
  };
}
