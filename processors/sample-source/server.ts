// HTTP layer: a node:http server on 127.0.0.1 routing GET data endpoints to the pure
// API, POST /_control/* to SampleControl, and applying injected failures. No data
// logic lives here.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundApi, type BoundApi } from './api.js';
import { DATE_FORM } from './dates.js';
import { SampleControl } from './control.js';
import { SourceError, badRequest } from './errors.js';

export interface SampleSourceOptions {
  seed?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
}

export interface SampleSource {
  url: string;
  port: number;
  seed: number;
  control: SampleControl;
  /** Same data as the endpoints, with this server's seed and current overrides. */
  data: BoundApi;
  close(): Promise<void>;
}

type Query = URLSearchParams;
type Handler = (q: Query) => unknown;

const DATE_PARAM = (q: Query): string => {
  const d = q.get('date');
  if (!d) throw badRequest('missing date', { accepted: DATE_FORM });
  return d;
};

function routes(api: BoundApi): Record<string, Handler> {
  return {
    '/nba-com/schedule': (q) => {
      const season = q.get('season');
      return season && !q.get('date') ? api.seasonSchedule(season) : api.schedule(DATE_PARAM(q));
    },
    '/nba-com/scoreboard': (q) => api.scoreboard(DATE_PARAM(q)),
    '/nba-com/gamebook': (q) => api.gamebook(DATE_PARAM(q), q.get('game_code') ?? ''),
    '/nba-com/gamebooks': (q) => api.gamebooks(DATE_PARAM(q)),
    '/nba-com/boxscore/players': (q) => api.boxscorePlayers(DATE_PARAM(q), q.get('game_id') ?? ''),
    '/nba-com/boxscore/teams': (q) => api.boxscoreTeams(DATE_PARAM(q), q.get('game_id') ?? ''),
    '/nba-com/play-by-play': (q) => api.playByPlay(DATE_PARAM(q), q.get('game_id') ?? ''),
    '/nba-com/injury-report': (q) => api.injuryReport(DATE_PARAM(q), q.get('time')),
    '/odds-api/events': (q) => api.oddsEvents(DATE_PARAM(q)),
    '/odds-api/player-props': (q) =>
      api.oddsPlayerProps(DATE_PARAM(q), { eventId: q.get('event_id'), snapshot: q.get('snapshot'), time: q.get('time'), oddsFormat: q.get('oddsFormat') }),
    '/bettingpros/player-props': (q) => api.bettingprosPlayerProps(DATE_PARAM(q), { market: q.get('market'), snapshot: q.get('snapshot'), time: q.get('time') }),
    '/bigdataball/play-by-play': (q) => api.bigdataballPlayByPlay(DATE_PARAM(q), q.get('game_id') ?? ''),
  };
}

function controlRoutes(control: SampleControl): Record<string, (body: Record<string, unknown>) => unknown> {
  // Bodies are validated inside SampleControl; the casts only hand them over.
  return {
    '/_control/injury-flip': (b) => ({ ok: true, flip: control.flipInjury(b as never) }),
    '/_control/correct-boxscore': (b) => ({ ok: true, correction: control.correctBoxScore(b as never) }),
    '/_control/late-prop': (b) => ({ ok: true, late_prop: control.addLateProp(b as never) }),
    '/_control/fail': (b) => ({ ok: true, failure: control.failNext(b as never) }),
    '/_control/reset': () => {
      control.reset();
      return { ok: true };
    },
  };
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value));

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('body must be a JSON object');
}

export async function startSampleSource(opts: SampleSourceOptions = {}): Promise<SampleSource> {
  const seed = opts.seed ?? 1;
  const control = new SampleControl(seed);
  const api = boundApi(seed, () => control.overrides);
  const dataRoutes = routes(api);
  const ctlRoutes = controlRoutes(control);
  const paths = [...Object.keys(dataRoutes), ...Object.keys(ctlRoutes), '/_control/state'];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    try {
      if (path.startsWith('/_control/')) {
        if (path === '/_control/state' && req.method === 'GET') return sendJson(res, 200, control.state());
        const fn = ctlRoutes[path];
        if (!fn) return sendJson(res, 404, { error: `unknown path ${path}`, paths });
        if (req.method !== 'POST') return sendJson(res, 405, { error: `${req.method} not allowed on ${path}; use POST` });
        return sendJson(res, 200, fn(await readBody(req)));
      }
      const fn = dataRoutes[path];
      if (!fn) return sendJson(res, 404, { error: `unknown path ${path}`, paths });
      if (req.method !== 'GET') return sendJson(res, 405, { error: `${req.method} not allowed on ${path}; use GET` });
      const failure = control.takeFailure(path);
      if (failure?.mode === 'error') return sendJson(res, failure.status, { error: 'injected failure', status: failure.status });
      if (failure?.mode === 'non-json') {
        return send(res, 200, '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>', 'text/html; charset=utf-8');
      }
      const body = JSON.stringify(fn(url.searchParams));
      if (failure?.mode === 'truncated-json') return send(res, 200, body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      return send(res, 200, body);
    } catch (err) {
      if (err instanceof SourceError) return sendJson(res, err.status, { error: err.message, ...err.details });
      return sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    seed,
    control,
    data: api,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
