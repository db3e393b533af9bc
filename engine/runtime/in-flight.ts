// The runs executing in this process, each with the means to stop its processor: what a shutdown
// interrupts (interrupt.ts) once the drain bound has passed.

/** The reason a processor's signal is aborted with when its process shuts down. */
export class RunInterruptedError extends Error {
  override name = 'RunInterruptedError';
  readonly retryable = true;
}

/** A run executing in this process (registered by the runner while its processor runs). */
export interface InFlightRun {
  executionId: string;
  processor: string;
  partition: string;
  abort(reason: Error): void;
}

/** The runs executing in this process; once interrupting, a run that registers late is interrupted at once. */
export class InFlightRuns {
  private readonly runs = new Map<string, InFlightRun>();
  private interrupting: ((r: InFlightRun) => Promise<unknown>) | undefined;
  private readonly late = new Set<Promise<unknown>>();

  add(r: InFlightRun): () => void {
    this.runs.set(r.executionId, r);
    if (this.interrupting) {
      const p = this.interrupting(r).catch(() => undefined);
      this.late.add(p);
      void p.finally(() => this.late.delete(p));
    }
    return () => this.runs.delete(r.executionId);
  }

  get size(): number {
    return this.runs.size;
  }

  /** Interrupt every run now and every run that registers from now on; resolves when the current ones are released. */
  async interruptAll(interrupt: (r: InFlightRun) => Promise<unknown>): Promise<void> {
    this.interrupting = interrupt;
    await Promise.allSettled([...this.runs.values()].map(interrupt));
    await Promise.allSettled([...this.late]);
  }
}
