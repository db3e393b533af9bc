// The bus of the fault harness: it holds every published message and delivers nothing by itself. The
// schedule decides what is delivered, to which runner, when, how often: in any order (reorders), twice
// (duplicates, also at once to two runners), held for a while or until everything else is quiet, and
// again after a handler threw or its runner died (redelivery). Like Pub/Sub it is durable: a runner's
// death loses no message, and it dead-letters a message after a bounded number of deliveries.
import type { Bus, DeadLetter, WireMessage } from '../../engine/ports.js';

export interface Msg {
  id: string;
  topic: string;
  wire: string;
  /** Deliveries made so far (a duplicate copy counts on its own). */
  attempts: number;
  /** Not before this engine-clock time (a retry's backoff, a redelivery after a death). */
  availableAt: number;
  /** The bus's publish count when it was published (the harness orders decisions against it). */
  tick: number;
  /** Held: until this step, or until everything else is delivered. */
  held?: { untilStep?: number; quiescence?: boolean };
  /** A copy the schedule made: its delivery says nothing about the original. */
  copy?: boolean;
}

export const MAX_DELIVERIES = 10;

export class FaultBus implements Bus {
  readonly queue: Msg[] = [];
  readonly dead: DeadLetter[] = [];
  /** Tickets of messages some delivery acknowledged (the harness's oracle ignores later copies of them). */
  readonly ackedTickets = new Set<string>();
  private seq = 0;
  published = 0;

  /** `frozen`: time stands still while the schedule runs, so a retry's delay is not waited for. */
  constructor(private readonly now: () => number, private readonly frozen = false) {}

  async publish(topic: string, message: WireMessage): Promise<string> {
    const id = `m${++this.seq}`;
    this.published++;
    this.queue.push({ id, topic, wire: JSON.stringify(message), attempts: 0, availableAt: this.now(), tick: this.published });
    return id;
  }

  /** Messages that may be delivered now (not held, past their time). */
  available(step: number, now: number, opts: { includeQuiescent?: boolean } = {}): Msg[] {
    return this.queue.filter((m) => (this.frozen || m.availableAt <= now) && (!m.held || (m.held.untilStep !== undefined && m.held.untilStep <= step) || (opts.includeQuiescent && m.held.quiescence)));
  }

  acked(m: Msg): void {
    const t = (JSON.parse(m.wire) as WireMessage).attributes.ticket;
    if (t) this.ackedTickets.add(t);
  }

  take(m: Msg): void {
    const i = this.queue.indexOf(m);
    if (i >= 0) this.queue.splice(i, 1);
  }

  requeue(m: Msg, availableAt: number): void {
    const { held: _h, ...rest } = m;
    if (m.attempts >= MAX_DELIVERIES) {
      void this.deadLetter(m.topic, JSON.parse(m.wire) as WireMessage, `gave up after ${m.attempts} deliveries`, m.attempts);
      return;
    }
    this.queue.push({ ...rest, availableAt });
  }

  async deadLetter(topic: string, message: WireMessage, reason: string, attempts: number): Promise<void> {
    this.dead.push({ id: `dl${this.dead.length + 1}`, topic, message: { data: message.data, attributes: message.attributes }, reason, attempts, deadAt: this.now() });
  }

  async listDeadLetters(opts: { topic?: string; includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
    return this.dead.filter((d) => (!opts.topic || d.topic === opts.topic) && (opts.includeReplayed || d.replayedAt === undefined));
  }

  async markReplayed(ids: string[]): Promise<void> {
    for (const d of this.dead) if (ids.includes(d.id)) d.replayedAt = this.now();
  }

  async close(): Promise<void> {}
}
