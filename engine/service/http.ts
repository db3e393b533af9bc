// The HTTP framework of the service: fastify (routing, body limits, content-type checks, schema
// validation with ajv) on a node server whose header and body timeouts are short — a slow client is
// answered 408 instead of being held for Node's 300 s default, while a request whose body arrived may
// run as long as its processor needs. Bodies are JSON only: UTF-8 (not silently repaired), no
// prototype-poisoning keys, and storable (storable.ts). Every refusal is a 4xx with the reason in
// `{"error": ...}`; only the service's own faults are 5xx.
import { createServer, type Server } from 'node:http';
import { fastify, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServiceLogger } from './log.js';
import { decodeUtf8, unstorable } from './storable.js';

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly detail?: Record<string, unknown>) {
    super(message);
  }
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** A route of the service. `open`: no token ever (/healthz); `readOnly`: open when the operator says so. */
export interface Route {
  method: (typeof METHODS)[number];
  url: string;
  open?: boolean;
  readOnly?: boolean;
  schema?: object;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export interface HttpLimits {
  /** Largest accepted body (bytes): 413 past it. */
  maxBodyBytes: number;
  /** How long a client may take to send headers and body: 408 past it. */
  bodyTimeoutMs: number;
}

/** Reasons for fastify's own refusals, in the service's words. */
function frameworkReason(e: FastifyError, req: FastifyRequest, limits: HttpLimits): string {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `body exceeds the limit of ${limits.maxBodyBytes} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content-type ${JSON.stringify(req.headers['content-type'] ?? null)} is not accepted: send application/json`;
    case 'FST_ERR_BAD_URL':
      return `path ${JSON.stringify(req.url)} is not valid percent-encoded UTF-8`;
    case 'FST_ERR_VALIDATION':
      return `bad request: ${e.message}`;
    default:
      return e.message;
  }
}

/** The client went away (abort, reset): nothing to answer, and not the service's fault. */
const clientGone = (req: FastifyRequest) => req.raw.destroyed || req.raw.socket?.destroyed === true;

/** `refused` hears every 4xx the framework or a handler's HttpError answers (for logging). */
export function createApp(limits: HttpLimits, logger: ServiceLogger, refused: (req: FastifyRequest, status: number, reason: string) => void = () => {}): FastifyInstance<Server> {
  const app = fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    return503OnClosing: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // No type coercion, no silent removal: a wrong type is a 400, as it would be in the contract.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    serverFactory: (handler) =>
      createServer({
        requestTimeout: limits.bodyTimeoutMs,
        headersTimeout: limits.bodyTimeoutMs,
        // How often Node looks for requests past those timeouts (default 30 s).
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.bodyTimeoutMs / 2))),
      }, handler),
    frameworkErrors: (e, req, reply) => {
      const status = e.statusCode && e.statusCode < 500 ? e.statusCode : 400;
      const reason = frameworkReason(e, req, limits);
      refused(req, status, reason);
      void (reply as unknown as FastifyReply).code(status).send({ error: reason });
    },
  });

  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    if (!bytes.length) return done(null, undefined);
    const text = decodeUtf8(bytes);
    if (text === undefined) return done(new HttpError(400, 'body is not UTF-8 text'), undefined);
    parseJson(req, text, (err, value) => {
      if (err) return done(new HttpError(400, `body is not JSON: ${err.message}`), undefined);
      const bad = unstorable(value, 'the body');
      return bad ? done(new HttpError(400, bad), undefined) : done(null, value);
    });
  });

  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  app.setErrorHandler((e: FastifyError | HttpError, req, reply: FastifyReply) => {
    if (e instanceof HttpError) {
      if (e.status < 500) refused(req, e.status, e.message);
      return reply.code(e.status).send({ error: e.message, ...e.detail });
    }
    if (clientGone(req)) {
      logger.log('INFO', `client closed ${req.method} ${req.url} before its request was read: ${e.message}`, { path: req.url });
      return reply.code(400).send({ error: 'request aborted' });
    }
    const status = (e as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const reason = frameworkReason(e as FastifyError, req, limits);
      refused(req, status, reason);
      return reply.code(status).send({ error: reason });
    }
    logger.log('ERROR', `internal error on ${req.method} ${req.url}: ${e.stack ?? String(e)}`, { path: req.url });
    return reply.code(500).send({ error: 'internal error; it is logged' });
  });

  app.addHook('onRequestAbort', async (req) => {
    logger.log('INFO', `client closed ${req.method} ${req.url} before the answer`, { path: req.url });
  });
  return app;
}
