// Emitting events with their tickets. Every event the engine sends goes through the outbox, and in the
// same transaction each processor it will set in motion gets a ticket on its pending mark (the
// outbox entry's id, which the message carries). So at every instant the unsettled frontier of a wave
// is written down: a delivery not yet made, a run in flight or a failure holds everything downstream
// (core/waves.ts), and a redelivery of a settled ticket is recognised and does nothing.
import { route } from '../core/route.js';
import { mergeTickets, ticketOf } from '../core/waves.js';
import type { EngineEvent, PendingMark, RunRequested, Ticket } from '../core/types.js';
import type { StateTx } from '../ports.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import { addToOutbox, type OutboxEntry } from './outbox.js';

/** The tickets one event opens: one per processor it routes to (none for fan-out tasks). */
function ticketsOf(host: EngineHost, e: EngineEvent, id: string, now: number): Array<{ processor: string; ticket: Ticket }> {
  if (e.type === 'task_requested') return [];
  if (e.type === 'run_requested') return [{ processor: e.processor, ticket: ticketOf(id, now, { ...e, lineage: { correlationId: e.correlationId, parents: e.parents } }) }];
  return route(host.plan, e).map((c) => ({
    processor: c.processor,
    ticket: ticketOf(id, now, { reason: 'update', source: e.asset, scope: c.scope, backfill: c.backfill, lineage: c.lineage }),
  }));
}

/** Write events to the outbox and open their tickets, inside the caller's transaction. */
export async function emitInTx(host: EngineHost, tx: StateTx, events: EngineEvent[], now: number): Promise<OutboxEntry[]> {
  if (!events.length) return [];
  const withIds = events.map((e) => ({ e, id: host.newId() }));
  const opened = withIds.flatMap(({ e, id }) => ticketsOf(host, e, id, now).map((t) => ({ ...t, partition: e.partition })));
  const markIds = [...new Set(opened.map((o) => ids.pending(o.processor, o.partition)))];
  const marks = new Map<string, PendingMark | undefined>();
  (await tx.getMany<PendingMark>('pending', markIds)).forEach((m, i) => marks.set(markIds[i]!, m));
  for (const o of opened) {
    const id = ids.pending(o.processor, o.partition);
    const m = marks.get(id) ?? { processor: o.processor, partition: o.partition, tickets: [], updatedAt: now };
    marks.set(id, { ...m, tickets: [...m.tickets, o.ticket], updatedAt: now });
  }
  for (const [id, m] of marks) if (m) tx.set('pending', id, m);
  return addToOutbox(host.plan, tx, withIds.map(({ e, id }) => (e.type === 'task_requested' ? e : { ...e, ticket: id })), now, withIds.map((w) => w.id), host.runner);
}

/** Emit events in a transaction of their own, then dispatch them. */
export async function emit(host: EngineHost, events: EngineEvent[]): Promise<void> {
  if (!events.length) return;
  const now = host.now();
  const entries = await host.backends.state.transaction((tx) => emitInTx(host, tx, events, now));
  await host.dispatch(entries);
}

/**
 * A request that settles a mark's open tickets and adds nothing of its own: its context is theirs.
 * Used when open tickets would otherwise never be delivered again (they arrived while a run was in
 * flight and were acknowledged, or were held back until upstream settled).
 */
export function settlingRequest(host: EngineHost, mark: PendingMark, source: string, now: number): RunRequested {
  const ctx = mergeTickets(host.plan, mark.tickets);
  return {
    type: 'run_requested', processor: mark.processor, partition: mark.partition, scope: ctx.scope, reason: 'rerun', source,
    correlationId: ctx.lineage.correlationId, parents: ctx.lineage.parents, backfill: ctx.backfill, stage: ctx.stage,
    force: ctx.force, onlyIfNotDone: ctx.onlyIfNotDone, emittedAt: now,
  };
}

/** The mark with these tickets closed; undefined when nothing is left open and nothing failed. */
export function closeTickets(mark: PendingMark, closed: readonly string[], now: number): PendingMark | undefined {
  const set = new Set(closed);
  const tickets = mark.tickets.filter((t) => !set.has(t.id));
  if (!tickets.length && !mark.failed) return undefined;
  const { deferred: _d, ...rest } = mark;
  return { ...rest, tickets, updatedAt: now };
}

export function writeMark(tx: StateTx, processor: string, partition: string, mark: PendingMark | undefined): void {
  if (mark) tx.set('pending', ids.pending(processor, partition), mark);
  else tx.delete('pending', ids.pending(processor, partition));
}
