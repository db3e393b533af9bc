// What is left undone once the bus is idle: leases (running, or held by a runner that is gone), pending
// tickets (held back, failed for good, or not delivered), outbox entries nobody published and fan-outs
// still collecting. `pipeline run` names these and exits non-zero, rather than reporting success on a
// cascade that did not finish.
import type { Lease, PendingMark } from '../core/types.js';
import type { EngineHost } from './host.js';
import type { OutboxEntry } from './outbox.js';
import { leaseGone } from './reconciler.js';
import { runnerText } from './runner.js';

export interface Unfinished {
  partition?: string;
  processor?: string;
  kind: 'running' | 'stuck' | 'waiting' | 'failed' | 'triggered' | 'outbox' | 'fanout';
  note: string;
}

export async function unfinishedWork(host: EngineHost, partitions?: readonly string[]): Promise<Unfinished[]> {
  const { state } = host.backends;
  const now = host.now();
  const inScope = (d: string) => !partitions || partitions.includes(d);
  const [leases, marks, outbox, fanouts] = await Promise.all([
    state.query<Lease>('leases', {}),
    state.query<PendingMark>('pending', {}),
    state.query<OutboxEntry>('outbox', { eq: { kind: 'outbox' } }),
    state.query<{ processor: string; partition: string; executionId: string }>('fanout', { eq: { kind: 'fanout', status: 'running' } }),
  ]);
  const out: Unfinished[] = [];
  const leased = new Set<string>();
  for (const l of leases.filter((x) => inScope(x.partition))) {
    leased.add(`${l.processor}|${l.partition}`);
    const gone = leaseGone(host, l, now);
    out.push(gone
      ? { partition: l.partition, processor: l.processor, kind: 'stuck', note: `execution ${l.token} holds the lease, but ${gone}: \`pipeline reconcile\` repairs it` }
      : { partition: l.partition, processor: l.processor, kind: 'running', note: `execution ${l.token} (${runnerText(l.runner)}) until ${new Date(l.expiresAt).toISOString()}` });
  }
  for (const m of marks.filter((x) => inScope(x.partition))) {
    if (leased.has(`${m.processor}|${m.partition}`) && !m.failed) continue;
    if (m.failed) out.push({ partition: m.partition, processor: m.processor, kind: 'failed', note: `failed for good: ${m.failed.error}; downstream waits (fix it, then \`pipeline dlq replay\` or run it with --force)` });
    else if (m.deferred) out.push({ partition: m.partition, processor: m.processor, kind: 'waiting', note: m.deferred.reasons.join('; ') });
    else out.push({ partition: m.partition, processor: m.processor, kind: 'triggered', note: `${m.tickets.length} trigger(s) not yet delivered (\`pipeline reconcile\` redelivers after a crash)` });
  }
  for (const e of outbox) out.push({ kind: 'outbox', note: `event for ${String(e.message.data.processor_name ?? e.message.data.asset ?? e.topic)} ${String(e.message.data.partition ?? '')} written at ${new Date(e.createdAt).toISOString()}, never published` });
  for (const f of fanouts.filter((x) => inScope(x.partition))) out.push({ partition: f.partition, processor: f.processor, kind: 'fanout', note: `fan-out ${f.executionId} still collecting its tasks` });
  return out;
}

export function unfinishedText(u: Unfinished): string {
  return `  ${u.partition ?? ''} ${u.processor ?? ''} ${u.kind}: ${u.note}`.replace(/ {2,}/g, ' ').replace(/^ /, '  ');
}
