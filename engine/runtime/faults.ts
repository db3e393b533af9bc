// Fault injection for crash tests: hooks the runtime consults at the points where a real process
// could die. A SimulatedCrash is not a run failure: it skips the failure path entirely (no lease
// release, no attempt recorded), leaving the state a killed process would leave for the reconciler.

export interface EngineFaults {
  /** Called right after the warehouse write of a run; true makes the process "die" there. */
  crashAfterWrite?(processor: string, partition: string): boolean;
}

export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}
