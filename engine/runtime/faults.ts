// Fault injection for crash tests and the fault harness: hooks the runtime consults at the points where
// a real process could die or a processor could misbehave. A SimulatedCrash is not a run failure: it
// skips the failure path entirely (no lease release, no attempt recorded), leaving the state a killed
// process would leave for the reconciler.

export interface EngineFaults {
  /** Called right after the warehouse write of a run; true makes the process "die" there. */
  crashAfterWrite?(processor: string, partition: string): boolean;
  /** Called right after the warehouse write of a run; an error returned is thrown as the processor's own (it wrote, then failed). */
  throwAfterWrite?(processor: string, partition: string): Error | undefined;
}

export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}
