// The one HTTP service (Cloud Run conventions): Pub/Sub pushes on /events/:topic, Cloud Scheduler on
// /schedules/:name, manual /trigger and /reconcile, the status page (page/routes.ts) and read-only
// /status, /runs, /trace, /explain, /healthz. Routing, limits and refusals are fastify's (http.ts);
// every route but /healthz needs a verified OIDC token when OIDC is configured, unless the operator
// opened the read-only ones (`publicStatus`). Nothing a client sends crashes the service or answers 5xx
// except a retryable failure of the service itself (503: Pub/Sub redelivers).
import type { Server } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDate } from '../core/dates.js';
import type { Engine } from '../runtime/engine.js';
import { explain, status, trace } from '../runtime/inspect.js';
import { reconcile } from '../runtime/reconciler.js';
import type { RunRecord } from '../runtime/run.js';
import { tickSchedule } from '../runtime/schedules.js';
import { pushHandler } from './events.js';
import { coalesced } from './coalesce.js';
import { createApp, HttpError, METHODS, type HttpLimits, type Route } from './http.js';
import { pageRoutes } from './page/routes.js';
import type { ServiceLogger } from './log.js';
import { specBuckets } from './message-checks.js';
import type { OidcVerifier } from './oidc.js';
import { trigger, TRIGGER_BODY } from './trigger.js';

export interface ServiceOptions {
  engine: Engine;
  logger: ServiceLogger;
  version: string;
  backend: string;
  oidc?: OidcVerifier;
  /** Largest accepted body (bytes; default 1 MiB). */
  maxBodyBytes?: number;
  /** How long a client may take to send headers and body (ms; default 10 s). */
  bodyTimeoutMs?: number;
  /** The spec's bucket name → the bucket deployed for it (default: each under its own name). */
  buckets?: ReadonlyMap<string, string>;
  /**
   * Serve the read-only routes (the status page, /status, /runs, /trace, /explain) without a token even
   * when OIDC is configured (default false: with OIDC, every route but /healthz needs a token).
   */
  publicStatus?: boolean;
}

export interface Service {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stop taking work (pushes and schedule calls answer 503, so Pub/Sub redelivers; /healthz says
   * draining), let in-flight runs finish within `boundMs`, interrupt those that did not (their leases
   * released, the runs requested again), flush the logs, then close the listener. The backends stay open.
   */
  shutdown(boundMs: number, opts?: { interruptSettleMs?: number }): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  /** Every delivery in flight finished within the bound. */
  drained: boolean;
  /** Runs interrupted after the bound: leases released, requested again. */
  interrupted: number;
}

/** After interrupting, how long the interrupted deliveries get to answer before the listener closes. */
const INTERRUPT_SETTLE_MS = 1000;

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;

export function createService(opts: ServiceOptions): Service {
  const { engine, logger } = opts;
  const plan = engine.plan;
  const limits: HttpLimits = { maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024, bodyTimeoutMs: opts.bodyTimeoutMs ?? 10_000 };
  const pushes = pushHandler(engine, opts.buckets ?? specBuckets(plan));
  const refusedOnce = new Set<string>();
  let draining = false;

  // Refused pushes are worth a WARNING (once per reason and path); other 4xx are in the request log.
  const app = createApp(limits, logger, (req, code, reason) => {
    if (!req.url.startsWith('/events/') || code === 401) return;
    const key = `${req.url}|${reason}`;
    if (refusedOnce.has(key)) return;
    if (refusedOnce.size >= 10_000) refusedOnce.clear();
    refusedOnce.add(key);
    logger.log('WARNING', `rejected push on ${req.url}: ${reason}`, { path: req.url }, req.raw);
  });

  const authenticate = async (req: FastifyRequest) => {
    if (!opts.oidc) return;
    try {
      await opts.oidc.verify(req.headers.authorization);
    } catch (e) {
      logger.log('WARNING', `unauthenticated ${req.method} ${req.url.split('?')[0]}: ${(e as Error).message}`, { path: req.url }, req.raw);
      throw e;
    }
  };

  const dateParam = (q: Query) => {
    const d = q.date;
    if (!d || !isDate(d)) throw new HttpError(400, 'give ?date=YYYY-MM-DD');
    return d;
  };

  const reconcileOnce = coalesced(() => reconcile(engine));

  const routes: Route[] = [
    {
      method: 'POST', url: '/events/:topic',
      handler: async (req, reply) => {
        const { topic } = req.params as Params;
        if (draining && pushes.topics.has(topic!)) return reply.code(503).send({ error: 'shutting down; redeliver later' });
        const out = await pushes.handle(topic!, req.body, (severity, message, fields) => logger.log(severity, message, fields, req.raw));
        return out.status === 204 ? reply.code(204).send() : reply.code(out.status).send(out.body);
      },
    },
    {
      method: 'POST', url: '/schedules/:name',
      handler: async (req, reply) => {
        const { name } = req.params as Params;
        if (!plan.schedules.has(name!)) throw new HttpError(404, `unknown schedule ${name}`);
        if (draining) return reply.code(503).send({ error: 'shutting down' });
        return reply.send(await tickSchedule(engine, name!, engine.now()));
      },
    },
    { method: 'POST', url: '/trigger', schema: { body: TRIGGER_BODY }, handler: async (req, reply) => reply.code(202).send(await trigger(engine, req.body)) },
    { method: 'POST', url: '/reconcile', handler: async (_req, reply) => reply.send(await reconcileOnce()) },
    { method: 'GET', url: '/status', readOnly: true, handler: async (req, reply) => reply.send(await status(engine, dateParam(req.query as Query))) },
    {
      method: 'GET', url: '/runs/:id', readOnly: true,
      handler: async (req, reply) => {
        const { id } = req.params as Params;
        const run = await engine.backends.state.get<RunRecord>('runs', id!);
        if (!run) throw new HttpError(404, `no run ${id}`);
        return reply.send(run);
      },
    },
    {
      method: 'GET', url: '/trace/:id', readOnly: true,
      handler: async (req, reply) => {
        const { id } = req.params as Params;
        const t = await trace(engine, id!);
        if (t.kind === 'none') throw new HttpError(404, `no run or correlation id ${id}`);
        return reply.send(t);
      },
    },
    {
      method: 'GET', url: '/explain/:processor', readOnly: true,
      handler: async (req, reply) => {
        const { processor } = req.params as Params;
        if (!plan.processors.has(processor!)) throw new HttpError(404, `unknown processor ${processor}`);
        return reply.send(await explain(engine, processor!, dateParam(req.query as Query)));
      },
    },
    {
      method: 'GET', url: '/healthz', open: true,
      handler: async (_req, reply) => reply.code(draining ? 503 : 200).send({ status: draining ? 'draining' : 'ok', pipeline: plan.name, version: opts.version, specHash: plan.specHash, backend: opts.backend }),
    },
    ...pageRoutes(engine, dateParam),
  ];

  const open = (r: Route) => r.open || (r.readOnly && opts.publicStatus);
  for (const r of routes) app.route({ method: r.method, url: r.url, ...(r.schema ? { schema: r.schema } : {}), ...(open(r) ? {} : { onRequest: authenticate }), handler: r.handler });
  // A known path with another method: 405 naming the one it takes.
  for (const url of new Set(routes.map((r) => r.url))) {
    const allowed = routes.filter((r) => r.url === url).map((r) => r.method);
    const others = METHODS.filter((m) => !allowed.includes(m));
    app.route({
      method: others, url,
      handler: async (req, reply) => reply.code(405).header('allow', allowed.join(', ')).send({ error: `${req.method} not allowed on ${req.url.split('?')[0]} (use ${allowed.join(', ')})` }),
    });
  }

  app.addHook('onResponse', async (req, reply) => {
    if (req.url === '/healthz') return;
    logger.log('DEBUG', `${req.method} ${req.url.split('?')[0]} ${reply.statusCode}`, {
      httpRequest: { requestMethod: req.method, requestUrl: req.url.split('?')[0], status: reply.statusCode, latency: `${(reply.elapsedTime / 1000).toFixed(3)}s` },
    }, req.raw);
  });

  return {
    server: app.server,
    async listen(port, host = '0.0.0.0') {
      await app.listen({ port, host });
      return (app.server.address() as { port: number }).port;
    },
    async shutdown(boundMs, o = {}) {
      // The listener stays open while draining, so a push that still arrives is answered 503 (Pub/Sub
      // redelivers it to another instance) rather than refused at the socket.
      draining = true;
      const drained = await engine.drain(boundMs);
      let interrupted = 0;
      if (!drained) {
        interrupted = await engine.interrupt(`its process shut down before it finished (drain bound ${boundMs} ms)`, o.interruptSettleMs ?? INTERRUPT_SETTLE_MS);
        logger.log('WARNING', `shutdown: ${interrupted} run(s) did not finish within ${boundMs} ms; their leases are released and the runs requested again`);
      }
      await engine.alerts.flush();
      await engine.log.flush();
      const closed = app.close();
      app.server.closeIdleConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, INTERRUPT_SETTLE_MS).unref())]);
      return { drained, interrupted };
    },
  };
}
