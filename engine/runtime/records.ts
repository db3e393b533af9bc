// The run record: one per execution, written at claim and updated when it ends (status, trace, the
// status page and `explain` read it).
import type { ChangedEntities } from '../core/types.js';

export interface RunRecord {
  executionId: string;
  processor: string;
  partition: string;
  scope: string;
  /** `interrupted`: its process shut down before it finished; its lease was released and the run requested again. */
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  attempt: number;
  correlationId: string;
  parents: string[];
  fingerprint?: string;
  startedAt: number;
  finishedAt?: number;
  rowsWritten?: number;
  changedEntities?: ChangedEntities | null;
  error?: string;
  errorType?: string;
  /** Where it threw in the pipeline's code: `processors/x.ts:12:5` (source-mapped under tsx). */
  errorAt?: string;
  /** The pipeline's frames of the error's stack, innermost first (engine and node_modules frames cut). */
  errorStack?: string[];
  backfill: boolean;
  trigger: string;
  /** The runner that executes it (host and pid), for `status` and crash repair. */
  runner?: string;
}
