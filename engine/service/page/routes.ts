// The status page's routes: the page itself at `/` (static HTML, CSS and script served from the
// package; no framework, no build step), the laid-out DAG, a processor's runs and dead letters for a
// partition, and the replay of dead letters (POST, the same code as `pipeline dlq replay`). The
// page's states come from `/status?date=` — the same report as `pipeline status`.
import { readFileSync } from 'node:fs';
import type { Engine } from '../../runtime/engine.js';
import { replayDeadLetters } from '../../runtime/dlq.js';
import { processorDetail } from '../../runtime/inspect.js';
import { didYouMean } from '../../spec/diagnostics.js';
import { HttpError, type Route } from '../http.js';
import { LABEL_CHARS, pageGraph } from './layout.js';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const ASSETS = { html: asset('index.html'), js: asset('app.js'), css: asset('app.css') };

type Query = Record<string, string | undefined>;

/** Largest number of dead letters one replay request may name. */
const MAX_REPLAY_IDS = 100;

export const REPLAY_BODY = {
  type: 'object',
  required: ['ids', 'confirm'],
  additionalProperties: false,
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: MAX_REPLAY_IDS, items: { type: 'string', minLength: 1, maxLength: 200 } },
    // The page asks the operator first; a body without it is refused, so a stray POST replays nothing.
    confirm: { const: true },
  },
} as const;

export function pageRoutes(engine: Engine, dateParam: (q: Query) => string): Route[] {
  const plan = engine.plan;
  const knownProcessor = (name: string) => {
    if (plan.processors.has(name)) return name;
    const guess = didYouMean(name, plan.processors.keys());
    throw new HttpError(404, `unknown processor ${name}${guess ? ` (did you mean ${guess}?)` : ''}`);
  };
  return [
    {
      method: 'GET', url: '/', readOnly: true,
      handler: async (req, reply) => {
        const { date } = req.query as Query;
        // A bad date in the address is the reader's typo: answered with the reason, as a page.
        if (date !== undefined) dateParam({ date });
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(ASSETS.html);
      },
    },
    { method: 'GET', url: '/ui/app.js', readOnly: true, handler: async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(ASSETS.js) },
    { method: 'GET', url: '/ui/app.css', readOnly: true, handler: async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(ASSETS.css) },
    {
      method: 'GET', url: '/api/graph', readOnly: true,
      handler: async (_req, reply) => reply.send({
        pipeline: plan.name, timezone: plan.partition.timezone, partitionKey: plan.partition.key, specHash: plan.specHash,
        labelChars: LABEL_CHARS, graph: pageGraph(plan),
        processors: Object.fromEntries([...plan.processors.values()].map((p) => [p.name, { phase: p.phase, module: p.module, description: p.description, maxAttempts: p.retry.maxAttempts, reads: p.reads.map((r) => ({ asset: r.asset, critical: r.critical, warnAfterMs: r.warnAfterMs, failAfterMs: r.failAfterMs })), outputs: p.outputs }])),
        gates: Object.fromEntries([...plan.gates.values()].map((g) => [g.name, { members: g.members }])),
        stages: Object.fromEntries([...plan.stages.values()].map((s) => [s.name, { levels: s.levels }])),
      }),
    },
    {
      method: 'GET', url: '/api/processor/:name', readOnly: true,
      handler: async (req, reply) => {
        const name = knownProcessor((req.params as Record<string, string>).name!);
        return reply.send(await processorDetail(engine, name, dateParam(req.query as Query)));
      },
    },
    {
      method: 'POST', url: '/dlq/replay', schema: { body: REPLAY_BODY },
      handler: async (req, reply) => {
        const { ids } = req.body as { ids: string[] };
        const r = await replayDeadLetters(engine, { ids });
        if (!r.replayed && r.skipped.length) throw new HttpError(404, r.skipped.map((s) => `${s.id}: ${s.reason}`).join('; '), { skipped: r.skipped });
        return reply.send(r);
      },
    },
  ];
}
