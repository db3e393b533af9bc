// One URL in front of many service instances, as Cloud Run puts one URL in front of its instances:
// requests go round-robin, skipping instances that are busy when another one is idle (Cloud Run
// routes to instances with spare concurrency), and skipping instances that refuse connections (a
// stopped instance). A request whose instance dies mid-flight is answered 502, so Pub/Sub redelivers.
// Every request is recorded with the instance that served it, its status, and — for pushes — the
// message id and the event it carried.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The instance URL that served it ('' when none could). */
  target: string;
  status: number;
  /** The `error` of a non-2xx answer's body, when it had one. */
  reason?: string;
  messageId?: string;
  /** `event_type` of a pushed engine message, with its asset or processor. */
  event?: string;
  startedAt: number;
  finishedAt: number;
}

export interface InstanceProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Requests to `path` (exact) or matching it. */
  to(path: string | RegExp): ProxiedRequest[];
  inFlight(): number;
  /** Resolves once nothing was in flight and nothing arrived for `quietMs` (bounded). */
  idle(quietMs?: number, boundMs?: number): Promise<void>;
  setTargets(urls: string[]): void;
  close(): Promise<void>;
}

function describePush(body: Buffer): { messageId?: string; event?: string } {
  try {
    const env = JSON.parse(body.toString('utf8')) as { message?: { messageId?: string; data?: string } };
    const data = env.message?.data ? (JSON.parse(Buffer.from(env.message.data, 'base64').toString('utf8')) as Record<string, unknown>) : {};
    const what = data.event_type === 'table_updated' ? data.asset : data.processor_name;
    return { messageId: env.message?.messageId, event: `${String(data.event_type ?? '?')}${what ? ` ${String(what)}` : ''}` };
  } catch {
    return {};
  }
}

function errorOf(body: Buffer): string | undefined {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    return e === undefined ? undefined : String(e);
  } catch {
    return body.length ? body.toString('utf8').slice(0, 200) : undefined;
  }
}

export async function startProxy(targets: string[]): Promise<InstanceProxy> {
  let pool = [...targets];
  const busy = new Map<string, number>();
  const requests: ProxiedRequest[] = [];
  let next = 0;
  let inFlight = 0;
  let lastActivity = Date.now();

  /** Instances in round-robin order from the cursor, idle ones first. */
  const order = () => {
    const rr = pool.map((_, i) => pool[(next + i) % pool.length]!);
    next = (next + 1) % Math.max(1, pool.length);
    return [...rr.filter((t) => !busy.get(t)), ...rr.filter((t) => busy.get(t))];
  };

  const forward = (target: string, req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer } | 'refused'>((resolve) => {
      const u = new URL(req.url ?? '/', target);
      const headers = { ...req.headers, host: u.host, 'content-length': String(body.length) };
      const out = request(u, { method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.from('{"error":"instance died mid-response"}') }));
      });
      out.on('error', (e: NodeJS.ErrnoException) =>
        resolve(e.code === 'ECONNREFUSED' ? 'refused' : { status: 502, headers: {}, body: Buffer.from(JSON.stringify({ error: `instance failed: ${e.code ?? e.message}` })) }),
      );
      out.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    inFlight++;
    lastActivity = Date.now();
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    let served: { target: string; status: number; reason?: string } = { target: '', status: 503, reason: 'no instance is up' };
    try {
      for (const target of order()) {
        busy.set(target, (busy.get(target) ?? 0) + 1);
        let r;
        try {
          r = await forward(target, req, body);
        } finally {
          busy.set(target, busy.get(target)! - 1);
        }
        if (r === 'refused') continue;
        served = { target, status: r.status, ...(r.status >= 300 ? { reason: errorOf(r.body) } : {}) };
        const { 'transfer-encoding': _te, connection: _c, ...headers } = r.headers;
        res.writeHead(r.status, { ...headers, 'content-length': String(r.body.length) });
        res.end(r.body);
        return;
      }
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"no instance is up"}');
    } finally {
      inFlight--;
      lastActivity = Date.now();
      requests.push({ method: req.method ?? '', path, ...served, ...(path.startsWith('/events/') ? describePush(body) : {}), startedAt, finishedAt: Date.now() });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  return {
    url,
    requests,
    to: (p) => requests.filter((r) => (typeof p === 'string' ? r.path === p : p.test(r.path))),
    inFlight: () => inFlight,
    async idle(quietMs = 1500, boundMs = 30_000) {
      const until = Date.now() + boundMs;
      while (inFlight > 0 || Date.now() - lastActivity < quietMs) {
        if (Date.now() > until) throw new Error(`proxy not idle after ${boundMs} ms (${inFlight} in flight)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    setTargets(urls) {
      pool = [...urls];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
