// route: an event → the candidates (processor, partition, scope) it sets in motion, in plan order.
import type { Plan } from '../spec/plan.js';
import type { Candidate } from './decide.js';
import { scopeFor } from './scope.js';
import type { AssetUpdated, EngineEvent, RunRequested } from './types.js';

export function route(plan: Plan, event: EngineEvent): Candidate[] {
  switch (event.type) {
    case 'asset_updated':
      return routeAssetUpdated(plan, event);
    case 'run_requested':
      return [candidateOfRequest(event)];
    case 'task_requested':
      return [];
  }
}

function routeAssetUpdated(plan: Plan, e: AssetUpdated): Candidate[] {
  if (e.status === 'failed') return [];
  const lineage = { correlationId: e.correlationId, parents: e.executionId ? [e.executionId] : e.parents };
  return (plan.triggeredBy.get(e.asset) ?? []).map((name) => ({
    processor: name,
    partition: e.partition,
    scope: scopeFor(plan.processors.get(name)!, e.changedEntities),
    trigger: { kind: 'asset', asset: e.asset, version: e.version },
    lineage,
    backfill: e.backfill,
    ...(e.ticket ? { ticket: e.ticket } : {}),
  }));
}

export function candidateOfRequest(e: RunRequested): Candidate {
  return {
    processor: e.processor,
    partition: e.partition,
    scope: e.scope,
    trigger: { kind: 'request', reason: e.reason, source: e.source },
    lineage: { correlationId: e.correlationId, parents: e.parents },
    backfill: e.backfill,
    stage: e.stage,
    force: e.force,
    onlyIfNotDone: e.onlyIfNotDone,
    ...(e.ticket ? { ticket: e.ticket } : {}),
  };
}
