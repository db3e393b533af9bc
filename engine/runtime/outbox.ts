// The outbox (§8.5): events are written in the same state transaction as the change they announce,
// then published by the dispatcher and deleted. A crash between the two leaves the entry, which the
// reconciler re-dispatches (consumers dedupe, so a second publish is harmless).
import { toWire } from '../core/messages.js';
import type { EngineEvent, RunnerId } from '../core/types.js';
import type { Bus, StateStore, StateTx, WireMessage } from '../ports.js';
import type { Plan } from '../spec/plan.js';

export interface OutboxEntry {
  id: string;
  topic: string;
  message: WireMessage;
  createdAt: number;
  /** For queries: all outbox entries share this value. */
  kind: 'outbox';
  /** The runner whose dispatcher publishes it: when that runner is gone, the reconciler does at once. */
  runner?: RunnerId;
}

// Topic names come from the one topology derivation (also used by codegen and `infra apply`).
import { requestTopic, tasksTopic } from '../infra/topology.js';
export { requestTopic, tasksTopic };

/** Every topic the engine consumes: the phase topics, its run requests and its fan-out tasks. */
export function engineTopics(plan: Plan): Set<string> {
  return new Set([...plan.phases.map((p) => p.topic), requestTopic(plan), tasksTopic(plan)]);
}

/** The topic an event travels on: completions on their writer's phase topic, requests on the engine's. */
export function topicOf(plan: Plan, e: EngineEvent): string {
  if (e.type === 'asset_updated') {
    const writer = e.processor ?? plan.writerOf.get(e.asset);
    const phase = writer ? plan.processors.get(writer)!.phase : plan.phases[0]!.name;
    return plan.phaseByName.get(phase)!.topic;
  }
  return e.type === 'task_requested' ? tasksTopic(plan) : requestTopic(plan);
}

/** Write events to the outbox (use tickets.ts's emitInTx, which also opens their tickets). */
export function addToOutbox(plan: Plan, tx: StateTx, events: EngineEvent[], now: number, entryIds: string[], runner?: RunnerId): OutboxEntry[] {
  return events.map((e, i) => {
    const entry: OutboxEntry = { id: entryIds[i]!, topic: topicOf(plan, e), message: toWire(plan, e), createdAt: now, kind: 'outbox', ...(runner ? { runner } : {}) };
    tx.set('outbox', entry.id, entry);
    return entry;
  });
}

export async function dispatch(bus: Bus, state: StateStore, entries: OutboxEntry[]): Promise<number> {
  if (!entries.length) return 0;
  await Promise.all(entries.map((e) => bus.publish(e.topic, e.message)));
  await state.transaction(async (tx) => {
    for (const e of entries) tx.delete('outbox', e.id);
  });
  return entries.length;
}
