// Operations: `pipeline dlq list|replay`, `pipeline replay --correlation-id`, `pipeline reconcile`,
// `pipeline schedule run NAME [--at TIME]`.
import { listDeadLetters, replayDeadLetters } from '../../runtime/dlq.js';
import { Option } from 'commander';
import { reconcile, type ReconcileReport } from '../../runtime/reconciler.js';
import { unfinishedText, unfinishedWork } from '../../runtime/unfinished.js';
import { tickSchedule } from '../../runtime/schedules.js';
import type { RunRecord } from '../../runtime/run.js';
import { didYouMean } from '../../spec/diagnostics.js';
import { BACKEND_SETTINGS, resolveServeSettings, SERVE_SETTINGS, SettingError, type ServeSettings } from '../../service/settings.js';
import type { Plan } from '../../spec/plan.js';
import { parsePhase } from '../args.js';
import { withGcpEngine } from '../gcp-engine.js';
import { CommandFailed, UsageError } from '../errors.js';
import { examples } from '../examples.js';
import type { CliIO } from '../io.js';
import { withLocalEngine } from '../local-engine.js';
import { requirePlan } from '../spec-file.js';
import { scheduleList } from './ls.js';
import type { Registrar } from './registrar.js';

export const ops: Registrar = (program, io) => {
  const dlq = program.command('dlq').description('dead-lettered messages: list them, replay them after a fix');
  dlq
    .command('list')
    .description('list dead letters with their reason and attempts')
    .option('--all', 'include replayed ones')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ pipeline dlq list\n  $ pipeline dlq list --all --json')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      await withLocalEngine(io, program.opts().file as string | undefined, async (local) => {
        const list = await listDeadLetters(local.engine, { includeReplayed: opts.all });
        if (opts.json) return io.out(JSON.stringify(list, null, 2));
        if (!list.length) return io.out('no dead letters');
        for (const d of list) io.out(`${d.id}  ${new Date(d.deadAt).toISOString()}  ${d.topic}  attempts=${d.attempts}${d.replayedAt ? '  (replayed)' : ''}\n    ${d.reason}`);
      });
    });
  dlq
    .command('replay')
    .description('replay dead letters through the same dedup and gates, keeping their correlation id')
    .option('--id <ids>', 'comma-separated dead-letter ids (default: all not yet replayed)')
    .addHelpText('after', '\nExamples:\n  $ pipeline dlq replay\n  $ pipeline dlq replay --id 12,13')
    .action(async (opts: { id?: string }) => {
      await withLocalEngine(io, program.opts().file as string | undefined, async (local) => {
        const r = await replayDeadLetters(local.engine, { ids: opts.id?.split(',').map((s) => s.trim()) });
        await local.settle();
        io.out(`replayed ${r.replayed} dead letter(s)`);
        for (const s of r.skipped) io.err(`  ${s.id}: ${s.reason}`);
        if (r.skipped.length) throw new CommandFailed('', 1);
      }, { services: true });
    });

  examples(program
    .command('replay')
    .description('rerun, from a phase on, every run of a correlation id (same correlation id; downstream follows by dedup)')
    .requiredOption('--correlation-id <id>', 'the correlation id (see `pipeline trace`)')
    .option('--from-phase <phase>', 'rerun the runs of this phase (name or number); default: the earliest phase it touched'), io, program, (n) => [
      'pipeline replay --correlation-id 5f0c…      # from `pipeline trace` or `pipeline explain`', `pipeline replay --correlation-id 5f0c… --from-phase ${n.phase}`,
    ])
    .action(async (opts: { correlationId: string; fromPhase?: string }) => {
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const fromPhase = opts.fromPhase === undefined ? undefined : parsePhase(spec, opts.fromPhase, '--from-phase');
      await withLocalEngine(io, spec, async (local, plan) => {
        const runs = await local.backends.state.query<RunRecord>('runs', { eq: { correlationId: opts.correlationId } });
        if (!runs.length) {
          io.err(`no runs with correlation id ${opts.correlationId}`);
          throw new CommandFailed('', 1);
        }
        const phaseNo = (p: string) => plan.processors.get(p)?.phaseNumber ?? 0;
        const from = fromPhase !== undefined ? plan.phaseByName.get(fromPhase)!.number : Math.min(...runs.map((r) => phaseNo(r.processor)));
        const targets = new Map<string, RunRecord>();
        for (const r of runs) if (phaseNo(r.processor) === from) targets.set(`${r.processor}|${r.partition}`, r);
        for (const r of targets.values()) {
          const req = local.engine.request(r.processor, r.partition, { reason: 'replay', source: 'cli', correlationId: opts.correlationId, parents: r.parents, force: true });
          await local.engine.publishRequest(req);
        }
        await local.settle();
        io.out(`replayed ${targets.size} run(s) of phase ${from} for correlation ${opts.correlationId}`);
      }, { services: true });
    });

  const reconcileCmd = program
    .command('reconcile')
    .description('repair after crashes, at once: reclaim the leases of runners that are gone (or expired), re-dispatch the outbox, deliver messages a killed process left, fire due gates, advance stages, release held processors, finalize checks — then run what that sets in motion (local), or hand it to the service (gcp)')
    .option('--date <dates>', 'comma-separated partitions (default: recently updated ones)');
  // The backend is chosen and located as `serve` does it: same flags, same variables.
  for (const key of BACKEND_SETTINGS) {
    const s = SERVE_SETTINGS[key];
    reconcileCmd.addOption(new Option(s.flag, `${s.description} (env ${s.env}; default ${s.shown})`));
  }
  reconcileCmd
    .addHelpText('after', [
      '\nExamples:\n  $ pipeline reconcile\n  $ pipeline reconcile --date 2025-11-14,2025-11-15\n  $ pipeline reconcile --backend gcp --project my-project   # the deployed state, from a laptop',
      '\nExit status:',
      '  0  nothing left undone (local); with --backend gcp, nothing needs attention: repairs published and',
      "     work in the service's hands (listed) count as done, the service runs them",
      '  1  work still unfinished (local), or needing attention (gcp: a lease still stuck, a run failed for',
      '     good, an event not published)',
      '  2  bad arguments (e.g. --backend gcp with no project)',
    ].join('\n'))
    .action(async (opts: { date?: string } & Record<string, string | boolean | undefined>) => {
      const partitions = opts.date?.split(',').map((s) => s.trim());
      let settings;
      try {
        settings = resolveServeSettings(opts, io.env, { serving: false });
      } catch (e) {
        if (e instanceof SettingError) throw new UsageError(e.message, e.usage);
        throw e;
      }
      if (settings.backend === 'gcp') return reconcileGcp(io, requirePlan(io, program.opts().file as string | undefined), settings, partitions);
      await withLocalEngine(io, program.opts().file as string | undefined, async (local) => {
        const r = await reconcile(local.engine, { partitions });
        await local.settle();
        io.out(`${reportText(r)}, messages recovered ${local.recovered}`);
        const open = await unfinishedWork(local.engine, partitions);
        if (open.length) {
          io.err(`still unfinished (${open.length}):\n${open.slice(0, 20).map(unfinishedText).join('\n')}`);
          throw new CommandFailed('', 1);
        }
      }, { services: true });
    });

  const schedule = program.command('schedule').description('list schedules with their next fires, or run one by hand');
  scheduleList(schedule, io);
  examples(schedule
    .command('run')
    .description('one tick of a schedule (as Cloud Scheduler or the in-process cron would)')
    .argument('<name>', 'schedule name')
    .option('--at <time>', 'the tick time, ISO 8601 (default: now)'), io, program, (n) => [`pipeline schedule run ${n.schedule} --at ${n.date}T14:00:00Z`])
    .action(async (name: string, opts: { at?: string }) => {
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
      if (Number.isNaN(at)) throw new UsageError(`--at ${JSON.stringify(opts.at)} is not a time`, '--at 2025-11-15T14:00:00Z (ISO 8601)');
      const spec = requirePlan(io, program.opts().file as string | undefined);
      if (!spec.schedules.has(name)) {
        const guess = didYouMean(name, spec.schedules.keys());
        throw new UsageError(`unknown schedule ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}`, `one of: ${[...spec.schedules.keys()].join(', ') || 'none (the spec declares no schedules)'}`);
      }
      await withLocalEngine(io, spec, async (local) => {
        const r = await tickSchedule(local.engine, name, at);
        await local.settle();
        io.out(`${name} for ${r.partition}: ${r.decision}\n  ${r.reasons.join('\n  ')}`);
      }, { services: true });
    });
};

function reportText(r: ReconcileReport): string {
  return `leases reclaimed ${r.leasesReclaimed}, outbox re-dispatched ${r.outboxRedispatched}, gates fired ${r.gatesFired}, stages advanced ${r.stagesAdvanced}, released ${r.released}, requested again ${r.orphansRequested}, checks finalized ${r.checksFinalized}`;
}

/**
 * On the deployed backends the repairs are published on Pub/Sub and run by the service: what is still
 * open is listed as handed over. Only what the service will not repair by itself fails the command:
 * a lease still stuck, a failure for good, an outbox entry not published.
 */
async function reconcileGcp(io: CliIO, plan: Plan, settings: ServeSettings, partitions: string[] | undefined): Promise<void> {
  await withGcpEngine(io, 'reconcile --backend gcp', plan, settings, async ({ engine }) => {
    const r = await reconcile(engine, { partitions });
    io.out(`${reportText(r)} (project ${settings.project ?? plan.project.id}; the service runs what this set in motion)`);
    const open = await unfinishedWork(engine, partitions);
    const handed = open.filter((u) => u.kind === 'running' || u.kind === 'triggered' || u.kind === 'waiting' || u.kind === 'fanout');
    const left = open.filter((u) => !handed.includes(u));
    if (handed.length) io.out(`in the service's hands (${handed.length}):\n${handed.slice(0, 20).map(unfinishedText).join('\n')}`);
    if (left.length) {
      io.err(`needs attention (${left.length}):\n${left.slice(0, 20).map(unfinishedText).join('\n')}`);
      throw new CommandFailed('', 1);
    }
  });
}
