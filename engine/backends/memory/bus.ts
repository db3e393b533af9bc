// A deterministic in-memory bus for dry runs and scenario tests: one delivery at a time, in publish
// order, so a cascade prints the same way every time. Retries are redelivered at the back of the
// queue (no wall-clock backoff); dead letters are kept in memory.
import type { DeadLetter, Delivery, DeliveryHandler, LocalBus, WireMessage } from '../../ports.js';

export class MemoryBus implements LocalBus {
  private readonly queue: Delivery[] = [];
  private readonly handlers = new Map<string, DeliveryHandler>();
  private readonly dead: DeadLetter[] = [];
  private seq = 0;
  private draining: Promise<void> | undefined;
  private inFlight = 0;
  readonly published: Array<{ topic: string; message: WireMessage }> = [];

  constructor(private readonly opts: { maxDeliveries?: number } = {}) {}

  async publish(topic: string, message: WireMessage): Promise<string> {
    const id = `m${++this.seq}`;
    this.published.push({ topic, message });
    this.queue.push({ ...message, topic, messageId: id, deliveryAttempt: 1, publishTime: this.seq });
    this.kick();
    return id;
  }

  subscribe(topic: string, handler: DeliveryHandler): void {
    this.handlers.set(topic, handler);
    this.kick();
  }

  private kick() {
    if (!this.draining) this.draining = this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    for (;;) {
      const i = this.queue.findIndex((d) => this.handlers.has(d.topic));
      if (i < 0) return;
      const d = this.queue.splice(i, 1)[0]!;
      this.inFlight++;
      try {
        const r = await this.handlers.get(d.topic)!(d).catch((e: Error) => ({ outcome: 'retry' as const, reason: e.message }));
        const attempt = d.deliveryAttempt ?? 1;
        if (r.outcome === 'dead-letter') await this.deadLetter(d.topic, d, r.reason, r.attempts);
        else if (r.outcome === 'retry') {
          if (attempt >= (this.opts.maxDeliveries ?? 5)) await this.deadLetter(d.topic, d, r.reason, attempt);
          else this.queue.push({ ...d, deliveryAttempt: attempt + 1 });
        }
      } finally {
        this.inFlight--;
      }
    }
  }

  async deadLetter(topic: string, message: WireMessage, reason: string, attempts: number): Promise<void> {
    this.dead.push({ id: `dl${this.dead.length + 1}`, topic, message: { data: message.data, attributes: message.attributes }, reason, attempts, deadAt: this.seq });
  }

  async listDeadLetters(opts: { topic?: string; includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
    return this.dead.filter((d) => (!opts.topic || d.topic === opts.topic) && (opts.includeReplayed || d.replayedAt === undefined));
  }

  async markReplayed(ids: string[]): Promise<void> {
    for (const d of this.dead) if (ids.includes(d.id)) d.replayedAt = this.seq;
  }

  async idle(): Promise<void> {
    while (this.draining || this.queue.some((d) => this.handlers.has(d.topic))) {
      this.kick();
      await this.draining;
    }
  }

  pending(): number {
    return this.queue.length + this.inFlight;
  }

  async close(): Promise<void> {}
}
