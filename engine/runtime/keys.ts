// Document ids of orchestration state. One writer per record: a run's completion writes its own
// output's version and its own (processor, partition) records; a gate fire writes only the gate's.
export const ids = {
  version: (asset: string, partition: string) => `${asset}|${partition}`,
  hashes: (asset: string, partition: string) => `${asset}|${partition}`,
  lease: (processor: string, partition: string) => `${processor}|${partition}`,
  lastSuccess: (processor: string, partition: string) => `${processor}|${partition}`,
  attempts: (processor: string, partition: string) => `${processor}|${partition}`,
  gateFire: (gate: string, partition: string) => `${gate}|${partition}`,
  stageEpoch: (stage: string, partition: string) => `${stage}|${partition}`,
  stageMember: (stage: string, partition: string, processor: string) => `${stage}|${partition}|${processor}`,
  check: (check: string, partition: string) => `${check}|${partition}`,
  pending: (processor: string, partition: string) => `${processor}|${partition}`,
  scheduleTick: (schedule: string, at: string) => `${schedule}|${at}`,
};
