// What the fault harness needs of a pipeline under test: its plan, a story drawn from the seed (what
// runs first without faults, what is requested under faults, and the later updates of the outside
// world, each with the requests an operator or a schedule would make for it), and a world that
// executes the processors and takes those updates.
import type { BackfillFlags } from '../../engine/core/types.js';
import type { Executor } from '../../engine/runtime/executor.js';
import type { Plan } from '../../engine/spec/plan.js';
import type { Rng } from './script.js';

export interface Request {
  processor: string;
  partition: string;
  backfill?: BackfillFlags;
}

export interface StoryUpdate {
  label: string;
  partition: string;
  /** Only once a gate fired for the partition (a late re-scrape). */
  late: boolean;
  /** What changes in the world (the pipeline's own shape). */
  change: unknown;
  /** Asked for once the change happened. */
  requests: Request[];
}

export interface Story {
  partitions: string[];
  /** Run to quiescence without faults before the schedule starts (e.g. history for rolling windows). */
  prepare: Request[];
  /** Requested when the schedule starts. */
  start: Request[];
  /** The world at the start (the pipeline's own shape; part of what makes two stories the same). */
  data: unknown;
  /** In this order: the final world is the last update's. */
  updates: StoryUpdate[];
}

export interface WorldHandle {
  executor: Executor;
  apply(u: StoryUpdate): void;
  close(): Promise<void>;
}

export interface ChaosPipeline {
  name: 'small' | 'nba';
  plan(): Plan;
  story(r: Rng): Story;
  open(story: Story): Promise<WorldHandle>;
  /** Engine time at the start. */
  clockStart: number;
  /** The world reads the clock (sources serve what time it is): time moves only when the faults stopped. */
  frozenClock: boolean;
  /** Scheduling steps before the faults stop. */
  steps: number;
}
