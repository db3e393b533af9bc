// The one HTTP service (Cloud Run conventions): Pub/Sub pushes on /events/:topic, Cloud Scheduler on
// /schedules/:name, manual /trigger and /reconcile, and read-only /status, /runs, /trace, /explain,
// /healthz. 2xx only when a push was handled or deliberately skipped; non-2xx on a retryable failure so
// Pub/Sub redelivers; a malformed push is a 400 with the reason (logged once per message), which the
// subscription's dead-letter policy ends after max attempts. Nothing a client sends crashes the service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isDate, dateRange } from '../core/dates.js';
import { normalize } from '../core/messages.js';
import type { Scope } from '../core/types.js';
import type { Engine } from '../runtime/engine.js';
import { evaluateGateNow, fireStageNow } from '../runtime/follow-ups.js';
import { explain, status, trace } from '../runtime/inspect.js';
import { engineTopics } from '../runtime/outbox.js';
import { reconcile } from '../runtime/reconciler.js';
import type { RunRecord } from '../runtime/run.js';
import { tickSchedule } from '../runtime/schedules.js';
import { HttpError, readJson, send } from './http.js';
import type { ServiceLogger } from './log.js';
import type { OidcVerifier } from './oidc.js';
import { decodePush } from './push.js';
import { messageValidatorFor } from '../infra/message-schemas.js';

export interface ServiceOptions {
  engine: Engine;
  logger: ServiceLogger;
  version: string;
  backend: string;
  oidc?: OidcVerifier;
  /** Largest accepted body (bytes). */
  maxBodyBytes?: number;
}

export interface Service {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stop taking work, finish in-flight runs within `boundMs`, close the listener. */
  shutdown(boundMs: number): Promise<void>;
}

type Handler = (req: IncomingMessage, params: Record<string, string>, url: URL) => Promise<{ status: number; body: unknown }>;

export function createService(opts: ServiceOptions): Service {
  const { engine, logger } = opts;
  const plan = engine.plan;
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  const topics = engineTopics(plan);
  const loggedRejections = new Set<string>();
  const contracts = messageValidatorFor(plan);
  let draining = false;

  const onceLog = (key: string, fn: () => void) => {
    if (loggedRejections.has(key)) return;
    if (loggedRejections.size > 10_000) loggedRejections.clear();
    loggedRejections.add(key);
    fn();
  };

  const events: Handler = async (req, { topic }) => {
    if (!topics.has(topic!)) throw new HttpError(404, `unknown topic ${topic}: this service handles ${[...topics].join(', ')}`);
    if (draining) return { status: 503, body: { error: 'shutting down; redeliver later' } };
    let body: unknown;
    let delivery;
    try {
      body = await readJson(req, limit);
      delivery = decodePush(topic!, body);
    } catch (e) {
      if (e instanceof HttpError && e.status === 413) throw e;
      const id = String(((body as { message?: { messageId?: unknown } } | undefined)?.message?.messageId) ?? (body === undefined ? e instanceof Error ? e.message : 'unreadable' : JSON.stringify(body).slice(0, 64)));
      onceLog(`${topic}|${id}`, () => logger.log('WARNING', `rejected push on ${topic}: ${(e as Error).message}`, { topic, messageId: id }, req));
      throw e;
    }
    // Engine messages must match their generated contract (contracts/*.schema.json).
    if (typeof delivery.data.event_type === 'string') {
      const v = contracts.validate(delivery.data.event_type, delivery.data);
      if (!v.ok) {
        onceLog(`${topic}|${delivery.messageId}`, () => logger.log('WARNING', `rejected message ${delivery.messageId} on ${topic}: ${v.reason}`, { topic, messageId: delivery.messageId }, req));
        engine.record({ event: 'message:rejected', reasons: [v.reason], detail: { topic, messageId: delivery.messageId } });
        return { status: 400, body: { error: v.reason } };
      }
    }
    const n = normalize(plan, topic!, delivery.data, delivery.attributes, engine.now());
    if (!n.ok && !n.ignored) {
      onceLog(`${topic}|${delivery.messageId}`, () => logger.log('WARNING', `rejected message ${delivery.messageId} on ${topic}: ${n.reason}`, { topic, messageId: delivery.messageId }, req));
      engine.record({ event: 'message:rejected', reasons: [n.reason], detail: { topic, messageId: delivery.messageId } });
      return { status: 400, body: { error: n.reason } };
    }
    const result = await engine.handle(delivery);
    if (result.outcome === 'ack') return { status: 204, body: null };
    if (result.outcome === 'retry') {
      logger.log('WARNING', `retryable failure on ${topic}: ${result.reason}`, { topic, messageId: delivery.messageId }, req);
      return { status: 503, body: { error: result.reason, retryAfterMs: result.delayMs } };
    }
    // A terminal failure decided by the runtime: dead-letter it with the reason, and stop redelivery.
    await engine.backends.bus.deadLetter(topic!, { data: delivery.data, attributes: delivery.attributes }, result.reason, result.attempts);
    logger.log('ERROR', `dead-lettered message ${delivery.messageId} from ${topic}: ${result.reason}`, { topic, messageId: delivery.messageId }, req);
    return { status: 200, body: { deadLettered: true, reason: result.reason } };
  };

  const schedules: Handler = async (_req, { name }) => {
    if (!plan.schedules.has(name!)) throw new HttpError(404, `unknown schedule ${name}`);
    if (draining) return { status: 503, body: { error: 'shutting down' } };
    const r = await tickSchedule(engine, name!, engine.now());
    return { status: 200, body: r };
  };

  const triggerRoute: Handler = async (req) => {
    const b = (await readJson(req, limit)) as Record<string, unknown>;
    const target = ['processor', 'gate', 'stage'].find((k) => typeof b[k] === 'string');
    if (!target) throw new HttpError(400, 'give one of "processor", "gate" or "stage" (a name from the spec)');
    const name = String(b[target]);
    const known = target === 'processor' ? plan.processors.has(name) : target === 'gate' ? plan.gates.has(name) : plan.stages.has(name);
    if (!known) throw new HttpError(404, `unknown ${target} ${name}`);
    const from = String(b.date ?? b.from ?? '');
    const to = String(b.to ?? from);
    if (!isDate(from) || !isDate(to) || to < from) throw new HttpError(400, 'give "date": "YYYY-MM-DD", or "from" and "to" with to ≥ from');
    const dates = dateRange(from, to);
    if (dates.length > 366) throw new HttpError(400, 'at most 366 dates per trigger');
    let scope: Scope | null = null;
    if (b.scope !== undefined && b.scope !== null) {
      const s = b.scope as { kind?: unknown; ids?: unknown };
      if (typeof s.kind !== 'string' || !Array.isArray(s.ids) || !s.ids.every((i) => typeof i === 'string')) throw new HttpError(400, 'scope must be { "kind": "player", "ids": ["..."] }');
      scope = { kind: s.kind, ids: s.ids as string[] };
    }
    const bf = b.backfill as { reason?: unknown; stop_after?: unknown } | undefined;
    if (bf && bf.stop_after !== undefined && !plan.phaseByName.has(String(bf.stop_after))) throw new HttpError(400, `backfill.stop_after must be a phase: ${[...plan.phaseByName.keys()].join(', ')}`);
    const backfill = bf ? { mode: true as const, reason: String(bf.reason ?? 'manual backfill'), ...(bf.stop_after ? { stopAfter: String(bf.stop_after) } : {}) } : null;
    const results: unknown[] = [];
    for (const d of dates) {
      if (target === 'processor') {
        const r = engine.request(name, d, { reason: 'manual', source: 'http', scope, backfill, force: b.force === true });
        await engine.publishRequest(r);
        results.push({ date: d, correlationId: r.correlationId });
      } else if (target === 'gate') {
        const g = await evaluateGateNow(engine, plan.gates.get(name)!, d, backfill);
        results.push({ date: d, gate: g.kind, reasons: g.reasons });
      } else {
        const epoch = await fireStageNow(engine, name, d, { correlationId: engine.newId(), parents: [] }, backfill);
        results.push({ date: d, stage: name, epoch });
      }
    }
    return { status: 202, body: { accepted: results.length, results } };
  };

  const dateParam = (url: URL) => {
    const d = url.searchParams.get('date');
    if (!d || !isDate(d)) throw new HttpError(400, 'give ?date=YYYY-MM-DD');
    return d;
  };

  const routes: Array<{ method: string; pattern: RegExp; keys: string[]; handler: Handler; open?: boolean }> = [
    { method: 'POST', pattern: /^\/events\/([^/]+)$/, keys: ['topic'], handler: events },
    { method: 'POST', pattern: /^\/schedules\/([^/]+)$/, keys: ['name'], handler: schedules },
    { method: 'POST', pattern: /^\/trigger$/, keys: [], handler: triggerRoute },
    { method: 'POST', pattern: /^\/reconcile$/, keys: [], handler: async () => ({ status: 200, body: await reconcile(engine) }) },
    { method: 'GET', pattern: /^\/status$/, keys: [], handler: async (_r, _p, url) => ({ status: 200, body: await status(engine, dateParam(url)) }) },
    {
      method: 'GET', pattern: /^\/runs\/([^/]+)$/, keys: ['id'],
      handler: async (_r, { id }) => {
        const run = await engine.backends.state.get<RunRecord>('runs', id!);
        if (!run) throw new HttpError(404, `no run ${id}`);
        return { status: 200, body: run };
      },
    },
    {
      method: 'GET', pattern: /^\/trace\/([^/]+)$/, keys: ['id'],
      handler: async (_r, { id }) => {
        const t = await trace(engine, id!);
        if (t.kind === 'none') throw new HttpError(404, `no run or correlation id ${id}`);
        return { status: 200, body: t };
      },
    },
    {
      method: 'GET', pattern: /^\/explain\/([^/]+)$/, keys: ['processor'],
      handler: async (_r, { processor }, url) => {
        if (!plan.processors.has(processor!)) throw new HttpError(404, `unknown processor ${processor}`);
        return { status: 200, body: await explain(engine, processor!, dateParam(url)) };
      },
    },
    {
      method: 'GET', pattern: /^\/healthz$/, keys: [], open: true,
      handler: async () => ({ status: draining ? 503 : 200, body: { status: draining ? 'draining' : 'ok', pipeline: plan.name, version: opts.version, specHash: plan.specHash, backend: opts.backend } }),
    },
  ];

  const server = createServer((req, res) => void dispatch(req, res));

  async function dispatch(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://service');
    try {
      const matches = routes.filter((r) => r.pattern.test(url.pathname));
      if (!matches.length) throw new HttpError(404, `no route ${url.pathname}`);
      const route = matches.find((r) => r.method === req.method);
      if (!route) throw new HttpError(405, `${req.method} not allowed on ${url.pathname} (use ${matches.map((m) => m.method).join(', ')})`);
      if (opts.oidc && !route.open) {
        try {
          await opts.oidc.verify(req.headers.authorization);
        } catch (e) {
          logger.log('WARNING', `unauthenticated ${req.method} ${url.pathname}: ${(e as Error).message}`, { path: url.pathname }, req);
          throw e;
        }
      }
      const m = route.pattern.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      const out = await route.handler(req, params, url);
      if (out.status === 204) {
        res.writeHead(204);
        res.end();
      } else send(res, out.status, out.body);
    } catch (e) {
      if (e instanceof HttpError) send(res, e.status, { error: e.message, ...e.detail });
      else {
        logger.log('ERROR', `internal error on ${req.method} ${url.pathname}: ${(e as Error).stack ?? String(e)}`, { path: url.pathname }, req);
        send(res, 500, { error: 'internal error; it is logged' });
      }
    } finally {
      if (url.pathname !== '/healthz') logger.log('DEBUG', `${req.method} ${url.pathname} ${res.statusCode}`, { httpRequest: { requestMethod: req.method, requestUrl: url.pathname, status: res.statusCode, latency: `${((Date.now() - started) / 1000).toFixed(3)}s` } }, req);
    }
  }

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      }),
    async shutdown(boundMs) {
      draining = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      await engine.drain(boundMs);
      await engine.alerts.flush();
      server.closeIdleConnections?.();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    },
  };
}
