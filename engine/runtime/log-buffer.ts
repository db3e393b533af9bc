// The execution log writer: entries are buffered and appended in batches (never one insert per
// entry), flushed when the buffer is large, after a short delay, or on demand (explain, shutdown).
import type { LogEntry, Warehouse } from '../ports.js';

export class LogBuffer {
  private buf: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Everything appended since start, for in-process readers (tests, the CLI summary). */
  readonly listeners: Array<(e: LogEntry) => void> = [];

  constructor(private readonly warehouse: Warehouse, private readonly opts: { maxBatch?: number; delayMs?: number } = {}) {}

  append(e: LogEntry): void {
    this.buf.push(e);
    for (const l of this.listeners) l(e);
    if (this.buf.length >= (this.opts.maxBatch ?? 500)) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.delayMs ?? 250);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buf;
    this.buf = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length) await this.warehouse.appendLog(batch);
    });
    await this.flushing;
  }
}
