// Builders for the wave stories (engine/core/waves.ts): the tickets a processor's pending mark holds,
// and the view of a partition a hold decision sees — which processors have unsettled work, and what
// each gate upstream last fired for and its members' outputs (`gateState` of builders.ts).
import type { GateView, WaveView } from '../../engine/core/waves.js';
import type { PendingMark, Ticket } from '../../engine/core/types.js';
import { type GateStateBuilder, T0 } from './builders.js';

/** One trigger a processor was sent and has not settled: by default an update of raw.box at T0. */
export function ticket(id: string, over: Partial<Ticket> = {}): Ticket {
  return { id, at: T0, reason: 'update', source: 'raw.box', scope: null, backfill: null, lineage: { correlationId: 'corr-1', parents: [] }, ...over };
}

/** The given state of one partition's wave. */
export class WaveViewBuilder {
  private readonly marks = new Map<string, PendingMark>();
  private readonly gateViews = new Map<string, GateView>();

  /** `processor` was sent these triggers and has not settled them. */
  unsettled(processor: string, ...tickets: Ticket[]): this {
    this.marks.set(processor, { processor, partition: '2025-11-15', tickets: tickets.length ? tickets : [ticket(`t-${processor}`)], updatedAt: T0 });
    return this;
  }

  /** `processor`'s run for its tickets failed for good with `error`. */
  failed(processor: string, error = 'SchemaError: column points missing'): this {
    this.unsettled(processor);
    this.marks.get(processor)!.failed = { executionId: `exec-${processor}`, error, at: T0 };
    return this;
  }

  /** `processor` was itself held back by unsettled work upstream of it. */
  deferred(processor: string): this {
    this.unsettled(processor);
    this.marks.get(processor)!.deferred = { since: T0, reasons: ['waiting for upstream'] };
    return this;
  }

  /** What the hold decision sees of `gate`: its members' outputs and last fire. */
  gate(gate: string, given: GateStateBuilder): this {
    const { outputs, fire } = given.snapshot();
    this.gateViews.set(gate, fire ? { outputs, fire } : { outputs });
    return this;
  }

  view(): WaveView {
    return { pending: new Map(this.marks), gates: new Map(this.gateViews) };
  }
}

export const wave = () => new WaveViewBuilder();
