// The in-process bus of the local backends, with the delivery contract of a Pub/Sub push subscription:
// asynchronous, at-least-once, redelivery with exponential backoff when a handler throws or asks to
// retry, and a dead-letter queue (a DeadLetterStore, `_pipeline.dead_letters` in DuckDB) after
// `maxDeliveries` or on an explicit dead-letter. Each subscriber of a topic gets its own copy of a
// message, like one subscription per handler. A message published to a topic nobody subscribes to is
// parked until a handler subscribes (Pub/Sub would drop it; locally, start order should not matter).
//
// Durable when given the state store: every message is recorded (collection `messages`) until its
// deliveries are acknowledged or dead-lettered, with the runner that owns its queue. A process that is
// killed loses its in-memory queue, not its messages: the next process on the same state adopts the
// messages of runners that are gone (`recover`) and delivers them, attempts counted on.
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RunnerId } from '../../core/types.js';
import type { DeadLetter, Delivery, DeliveryHandler, HandleResult, LocalBus, StateStore, WireMessage } from '../../ports.js';
import type { DeadLetterStore } from './dead-letters.js';
import { errorMessage } from './duckdb-values.js';

export interface LocalBusOptions {
  /** Deliveries in flight at once, across topics (default 4). */
  concurrency?: number;
  /** Delay before the first redelivery when the handler gives none (default 100 ms). */
  initialBackoffMs?: number;
  /** Growth of the delay per further delivery (default 2). */
  multiplier?: number;
  /** Ceiling of the backoff delay (default 5000 ms). */
  maxBackoffMs?: number;
  /** Deliveries before a message is dead-lettered (default 5). */
  maxDeliveries?: number;
  /** Called when the dead-letter queue cannot be written (default: console.error). */
  onError?: (err: unknown) => void;
}

interface Message {
  topic: string;
  messageId: string;
  publishTime: number;
  /** The message as it went on the wire: each delivery gets a fresh copy, as from a real bus. */
  wire: string;
}

/** A message as the durable bus records it until it is acknowledged. */
export interface StoredMessage extends Message {
  /** Deliveries made so far. */
  attempts: number;
  runner: RunnerId;
}

export interface DurableQueue {
  state: StateStore;
  runner: RunnerId;
}

interface Pending extends Message {
  handler: DeliveryHandler;
  /** Deliveries made so far. */
  attempts: number;
}

export class InProcessBus implements LocalBus {
  private readonly opts: Required<LocalBusOptions>;
  private readonly subscribers = new Map<string, DeliveryHandler[]>();
  private readonly parked = new Map<string, Array<Message & { attempts: number }>>();
  private ready: Pending[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;
  private closed = false;
  /**
   * Deliveries run in the async context the bus was created in, not the publisher's: a handler is
   * not part of the call that published (it would otherwise, e.g., look like a nested transaction).
   */
  private readonly context = new AsyncResource('pipeline.InProcessBus');

  /** Deliveries still owed per recorded message (a message is forgotten when all its copies are done). */
  private readonly owed = new Map<string, number>();

  constructor(
    private readonly deadLetters: DeadLetterStore,
    options: LocalBusOptions = {},
    private readonly durable?: DurableQueue,
  ) {
    this.opts = {
      concurrency: options.concurrency ?? 4,
      initialBackoffMs: options.initialBackoffMs ?? 100,
      multiplier: options.multiplier ?? 2,
      maxBackoffMs: options.maxBackoffMs ?? 5000,
      maxDeliveries: options.maxDeliveries ?? 5,
      onError: options.onError ?? ((err) => console.error('local bus: cannot write the dead-letter queue:', err)),
    };
  }

  async publish(topic: string, message: WireMessage): Promise<string> {
    if (this.closed) throw new Error('bus is closed');
    const m: Message = { topic, messageId: randomUUID(), publishTime: Date.now(), wire: JSON.stringify(message) };
    await this.record({ ...m, attempts: 0 });
    this.enqueue(m, 0);
    return m.messageId;
  }

  /** Adopt the recorded messages of runners that are gone (a killed process) and deliver them. */
  async recover(alive: (r: RunnerId) => boolean | undefined): Promise<number> {
    if (!this.durable) return 0;
    const { state, runner } = this.durable;
    const orphans = (await state.query<StoredMessage>('messages', {})).filter((m) => m.runner.id !== runner.id && alive(m.runner) !== true);
    if (!orphans.length) return 0;
    await state.transaction(async (tx) => {
      for (const m of orphans) tx.set('messages', m.messageId, { ...m, runner });
    });
    for (const m of orphans.sort((a, b) => a.publishTime - b.publishTime)) this.enqueue(m, m.attempts);
    return orphans.length;
  }

  private async record(m: Omit<StoredMessage, 'runner'>): Promise<void> {
    if (!this.durable) return;
    const { state, runner } = this.durable;
    await state.transaction(async (tx) => tx.set('messages', m.messageId, { ...m, runner } satisfies StoredMessage));
  }

  /** One copy of a recorded message is done (acknowledged or dead-lettered): forget it after the last. */
  private async done(p: Pending): Promise<void> {
    const left = (this.owed.get(p.messageId) ?? 1) - 1;
    if (left > 0) return void this.owed.set(p.messageId, left);
    this.owed.delete(p.messageId);
    if (this.durable) await this.durable.state.transaction(async (tx) => tx.delete('messages', p.messageId));
  }

  private enqueue(m: Message, attempts: number): void {
    const handlers = this.subscribers.get(m.topic);
    const topic = m.topic;
    if (!handlers?.length) {
      this.parked.set(topic, [...(this.parked.get(topic) ?? []), { ...m, attempts }]);
    } else {
      this.owed.set(m.messageId, handlers.length);
      for (const handler of handlers) this.ready.push({ topic: m.topic, messageId: m.messageId, publishTime: m.publishTime, wire: m.wire, handler, attempts });
      this.schedulePump();
    }
  }

  subscribe(topic: string, handler: DeliveryHandler): void {
    this.subscribers.set(topic, [...(this.subscribers.get(topic) ?? []), handler]);
    const waiting = this.parked.get(topic);
    if (waiting) {
      this.parked.delete(topic);
      for (const m of waiting) {
        this.owed.set(m.messageId, 1);
        this.ready.push({ topic: m.topic, messageId: m.messageId, publishTime: m.publishTime, wire: m.wire, handler, attempts: m.attempts });
      }
      this.schedulePump();
    }
  }

  /** Queued, delayed or in flight (messages parked on a topic without subscribers are not counted). */
  pending(): number {
    return this.ready.length + this.timers.size + this.inFlight.size;
  }

  /** Messages waiting for a subscriber on their topic. */
  parkedCount(): number {
    let n = 0;
    for (const list of this.parked.values()) n += list.length;
    return n;
  }

  idle(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async deadLetter(topic: string, message: WireMessage, reason: string, attempts: number): Promise<void> {
    await this.deadLetters.add({ id: randomUUID(), topic, message, reason, attempts, deadAt: Date.now() });
  }

  listDeadLetters(opts?: { topic?: string; includeReplayed?: boolean }): Promise<DeadLetter[]> {
    return this.deadLetters.list(opts);
  }

  markReplayed(ids: string[]): Promise<void> {
    return this.deadLetters.markReplayed(ids, Date.now());
  }

  /** Stop timers and drop queued work; waits for deliveries in flight to finish. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ready = [];
    this.parked.clear();
    await Promise.allSettled([...this.inFlight]);
    this.settle();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() =>
      this.context.runInAsyncScope(() => {
        this.pumpScheduled = false;
        this.pump();
      }),
    );
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.opts.concurrency && this.ready.length > 0) {
      const p = this.ready.shift()!;
      const run: Promise<void> = this.deliver(p).finally(() => {
        this.inFlight.delete(run);
        this.schedulePump();
        this.settle();
      });
      this.inFlight.add(run);
    }
    this.settle();
  }

  private settle(): void {
    if (this.pending() !== 0 && !this.closed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private backoff(attempts: number): number {
    const { initialBackoffMs, multiplier, maxBackoffMs } = this.opts;
    return Math.min(maxBackoffMs, initialBackoffMs * multiplier ** (attempts - 1));
  }

  private async deliver(p: Pending): Promise<void> {
    p.attempts++;
    const wire = JSON.parse(p.wire) as WireMessage;
    const delivery: Delivery = {
      data: wire.data,
      attributes: wire.attributes,
      topic: p.topic,
      messageId: p.messageId,
      deliveryAttempt: p.attempts,
      publishTime: p.publishTime,
    };
    let result: HandleResult;
    try {
      result = await p.handler(delivery);
      if (!result || typeof result !== 'object' || !('outcome' in result)) {
        result = { outcome: 'retry', reason: `handler returned ${String(result)} instead of a HandleResult` };
      }
    } catch (err) {
      result = { outcome: 'retry', reason: errorMessage(err) };
    }
    if (this.closed) return;
    if (result.outcome === 'ack') return this.forget(p);
    if (result.outcome === 'dead-letter') return this.bury(p, result.reason, result.attempts);
    if (p.attempts >= this.opts.maxDeliveries) {
      return this.bury(p, `${result.reason} (gave up after ${p.attempts} deliveries)`, p.attempts);
    }
    await this.record({ topic: p.topic, messageId: p.messageId, publishTime: p.publishTime, wire: p.wire, attempts: p.attempts }).catch((err) => this.opts.onError(err));
    const delay = result.delayMs ?? this.backoff(p.attempts);
    const timer = setTimeout(
      () =>
        this.context.runInAsyncScope(() => {
          this.timers.delete(timer);
          this.ready.push(p);
          this.schedulePump();
        }),
      Math.max(0, delay),
    );
    this.timers.add(timer);
  }

  private async bury(p: Pending, reason: string, attempts: number): Promise<void> {
    try {
      await this.deadLetters.add({
        id: randomUUID(),
        messageId: p.messageId,
        topic: p.topic,
        message: JSON.parse(p.wire) as WireMessage,
        reason,
        attempts,
        deadAt: Date.now(),
      });
    } catch (err) {
      this.opts.onError(err);
    }
    await this.forget(p);
  }

  private async forget(p: Pending): Promise<void> {
    await this.done(p).catch((err) => this.opts.onError(err));
  }
}
