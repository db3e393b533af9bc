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
    // Background flushes keep a failed batch for the next flush; only an explicit flush reports it.
    if (this.buf.length >= (this.opts.maxBatch ?? 500)) void this.flush().catch(() => undefined);
    else if (!this.timer) this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.opts.delayMs ?? 250);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buf;
    this.buf = [];
    // Chained so batches are appended in order; a failed batch goes back to the front of the buffer
    // (nothing is lost) and does not poison the chain for later flushes.
    const write = this.flushing.catch(() => undefined).then(async () => {
      if (!batch.length) return;
      try {
        await this.warehouse.appendLog(batch);
      } catch (err) {
        this.buf.unshift(...batch);
        throw err;
      }
    });
    this.flushing = write;
    await write;
  }
}
