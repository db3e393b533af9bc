// `pipeline infra apply --emulator` and `pipeline infra diff [--emulator | --project P]`: the Pub/Sub
// topology derived from the spec (engine/infra/topology.ts), created on the emulator or compared
// with a project. Production infrastructure is applied with Terraform (infra/terraform, generated).
import type { Command } from 'commander';
import { diffPubSub, formatDrift, ownedBy } from '../../infra/diff.js';
import type { pubsubClient, TargetOptions } from '../../infra/pubsub-state.js';
import { serviceAccountEmail, topologyOf, type Topology } from '../../infra/topology.js';
import type { Plan } from '../../spec/plan.js';
import { CommandFailed, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:8080';
/** Project id used on the emulator when neither --project nor the spec's project.id gives one. */
export const EMULATOR_PROJECT = 'pipeline-local';

interface InfraOptions {
  emulator?: boolean;
  project?: string;
  endpoint?: string;
}

interface Target {
  label: string;
  project: string;
  emulatorHost?: string;
  options: TargetOptions;
}

function target(io: CliIO, plan: Plan, t: Topology, o: InfraOptions, command: 'apply' | 'diff'): Target {
  if (o.emulator) {
    const host = io.env.PUBSUB_EMULATOR_HOST;
    if (!host) throw new UsageError('--emulator needs the emulator\'s address in PUBSUB_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST=127.0.0.1:8085 pipeline infra ' + command + ' --emulator');
    const project = o.project ?? plan.project.id ?? EMULATOR_PROJECT;
    return { label: `the emulator at ${host} (project ${project})`, project, emulatorHost: host, options: { serviceUrl: o.endpoint ?? io.env.PIPELINE_SERVICE_URL ?? DEFAULT_SERVICE_URL } };
  }
  if (command === 'apply') throw new UsageError('infra apply only targets the emulator; apply a project with Terraform (infra/terraform)', 'pipeline infra apply --emulator [--endpoint URL]');
  if (!o.project) throw new UsageError('infra diff needs a target', 'pipeline infra diff --emulator | --project PROJECT --endpoint SERVICE_URL');
  const serviceUrl = o.endpoint ?? io.env.PIPELINE_SERVICE_URL;
  if (!serviceUrl) throw new UsageError('infra diff --project needs the service URL to check push endpoints', '--endpoint URL (`terraform output service_url`) or $PIPELINE_SERVICE_URL');
  return {
    label: `project ${o.project}`, project: o.project,
    options: { serviceUrl, oidc: { serviceAccountEmail: serviceAccountEmail(t.serviceAccounts.invoker, o.project), audience: serviceUrl } },
  };
}

// The Google clients load only when a command talks to Google Cloud (about a second of start-up).
const pubsubState = () => import('../../infra/pubsub-state.js');

async function withClient<T>(tg: Target, fn: (client: ReturnType<typeof pubsubClient>) => Promise<T>): Promise<T> {
  // The emulator needs no credentials: skip the metadata-server probe (and its warning).
  if (tg.emulatorHost) process.env.METADATA_SERVER_DETECTION ??= 'none';
  else await (await import('../google-credentials.js')).requireGoogleCredentials(`infra diff on ${tg.label}`);
  const { pubsubClient } = await pubsubState();
  const client = pubsubClient({ project: tg.project, emulatorHost: tg.emulatorHost });
  try {
    return await fn(client);
  } catch (e) {
    if (e instanceof UsageError || e instanceof CommandFailed) throw e;
    throw new CommandFailed(`cannot reach Pub/Sub on ${tg.label}: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function apply(io: CliIO, plan: Plan, o: InfraOptions): Promise<void> {
  const t = topologyOf(plan);
  const tg = target(io, plan, t, o, 'apply');
  const [{ applyPubSub }, { desiredState }] = await Promise.all([import('../../infra/apply.js'), pubsubState()]);
  const result = await withClient(tg, (client) => applyPubSub(client, desiredState(t, tg.options), ownedBy(t, plan.project.topicPrefix)));
  for (const c of result.changes) io.out(`${c.action === 'create' ? 'created' : 'updated'} ${c.resource} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  for (const x of result.extras) io.out(`note: ${formatDrift(x)}; left in place`);
  for (const u of result.unfixable) io.err(`cannot apply: ${u}`);
  io.out(`infra apply: ${result.changes.length} change${result.changes.length === 1 ? '' : 's'} on ${tg.label}; ${t.schedulerJobs.length} scheduler jobs not applied (no Cloud Scheduler emulator)`);
  if (result.unfixable.length) throw new CommandFailed('', 1);
}

async function diff(io: CliIO, plan: Plan, o: InfraOptions): Promise<void> {
  const t = topologyOf(plan);
  const tg = target(io, plan, t, o, 'diff');
  const { desiredState, readLiveState } = await pubsubState();
  const desired = desiredState(t, tg.options);
  const live = await withClient(tg, (client) => readLiveState(client));
  const drift = diffPubSub(desired, live, ownedBy(t, plan.project.topicPrefix));
  for (const d of drift) io.out(formatDrift(d, desired));
  const jobs = t.schedulerJobs.length;
  io.out(tg.emulatorHost
    ? `scheduler jobs: ${jobs} not checked on the emulator (Cloud Scheduler has no emulator)`
    : `scheduler jobs: ${jobs} not checked (no Cloud Scheduler client in this build; compare \`gcloud scheduler jobs list --location ${plan.project.region}\` with infra/terraform/scheduler.tf.json)`);
  if (!drift.length) {
    io.out(`infra diff: no drift on ${tg.label} (${desired.topics.size} topics, ${desired.subscriptions.size} subscriptions)`);
    return;
  }
  io.out(`infra diff: ${drift.length} difference${drift.length === 1 ? '' : 's'} on ${tg.label} — run \`pipeline infra apply --emulator\` (emulator) or \`terraform apply\` in infra/terraform (project)`);
  throw new CommandFailed('', 1);
}

function addTargetOptions(c: Command): Command {
  return c
    .option('--emulator', 'the Pub/Sub emulator at $PUBSUB_EMULATOR_HOST')
    .option('--project <id>', 'Google Cloud project (on the emulator: default the spec\'s project.id)')
    .option('--endpoint <url>', `service base URL of push endpoints (default $PIPELINE_SERVICE_URL, on the emulator ${DEFAULT_SERVICE_URL})`);
}

export const infra: Registrar = (program, io) => {
  const group = program.command('infra').description('The Pub/Sub topology of the spec: apply it to the emulator, or diff it against live topics and subscriptions');
  const fileOf = (c: Command) => (c.optsWithGlobals() as { file?: string }).file;
  addTargetOptions(group.command('apply').description('Create missing topics, DLQs and subscriptions on the emulator and fix misconfigured ones (idempotent)'))
    .addHelpText('after', '\nExamples:\n  $ PUBSUB_EMULATOR_HOST=127.0.0.1:8085 pipeline infra apply --emulator')
    .action(async (o: InfraOptions, c: Command) => apply(io, requirePlan(io, fileOf(c)), o));
  addTargetOptions(group.command('diff').description('List missing, extra and misconfigured topics and subscriptions; exit 1 on drift'))
    .addHelpText('after', '\nExamples:\n  $ PUBSUB_EMULATOR_HOST=127.0.0.1:8085 pipeline infra diff --emulator\n  $ pipeline infra diff --project my-project --endpoint https://SERVICE_URL   # needs Google credentials')
    .action(async (o: InfraOptions, c: Command) => diff(io, requirePlan(io, fileOf(c)), o));
};
