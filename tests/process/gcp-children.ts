// `pipeline serve --backend gcp` as child processes on the Pub/Sub and Firestore emulators, for the
// process tests of the heal project (gcp-project.ts): the environment they run with, starting one and
// waiting for its port, a forwarder that delivers every push to every live child, the state described
// for a failure message, and the processors' trace file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import type { Lease, PendingMark } from '../../engine/core/types.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { BIN } from './gcp-project.js';

/**
 * What a process needs to talk to the emulators and local endpoints only, with no Google credentials:
 * every Google service is local, so `serve` and `reconcile` skip the credentials check. The spec has no
 * collections, so Cloud Storage is never called: a closed local port stands for it.
 */
export function emulatorEnv(bigqueryUrl: string): Record<string, string> {
  return {
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST!, FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST!,
    PIPELINE_BIGQUERY_ENDPOINT: bigqueryUrl, PIPELINE_STORAGE_ENDPOINT: 'http://127.0.0.1:9',
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `pipeline ARGS` as a user runs it, in a child with exactly `env` (and PATH): asynchronous, so this
 * process goes on serving the forwarder and the observers meanwhile; killed by its pid after `boundMs`.
 */
export function pipelineCli(args: string[], env: Record<string, string>, boundMs = 60_000): Promise<CliResult> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), boundMs);
  return new Promise((resolve) => proc.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr });
  }));
}

/** A child that exited (or was killed) is no longer live. */
export const isLive = (c: Child) => c.proc.exitCode === null && c.proc.signalCode === null;

export interface Child {
  proc: ChildProcess;
  url: string;
  pid: number;
  out: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One `pipeline serve --backend gcp` process; resolves once it logged the port it serves on. */
export async function serve(spec: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, '-f', spec, 'serve', '--backend', 'gcp', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  let err = '';
  // HEAL_DEBUG=1 shows the children's stderr as it comes.
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (process.env.HEAL_DEBUG) process.stderr.write(`[${proc.pid}] ${d.toString()}`);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  let partial = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving on port" line within 40 s; stderr: ${err}`)), 40_000);
    void exited.then((x) => reject(new Error(`serve exited (${x.code ?? x.signal}) before serving; stderr: ${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        out.push(l);
        const m = /serving on port (\d+)/.exec(l);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    });
  });
  return { proc, url: `http://127.0.0.1:${port}`, pid: proc.pid!, out, exited };
}

export interface Forwarder {
  url: string;
  /** Per push: the topic, what each child answered (status, or `down`), and how long it waited for a live child. */
  pushes: Array<{ topic: string; answers: string[]; heldMs: number }>;
  close(): Promise<void>;
}

/**
 * Receives the emulator's pushes and POSTs each to every child at once. A push is acknowledged (204)
 * as soon as one child answers 2xx — each child's delivery counts, as Pub/Sub delivering the message
 * to two instances would; when none does, 503, and the emulator delivers it again.
 *
 * With no child live, a push waits (up to `holdMs`) for one to start, as Cloud Run holds a request
 * while it starts an instance from zero; a push the emulator retried meanwhile would use up the
 * subscription's few delivery attempts (5) and be dead-lettered instead.
 */
export async function startForwarder(children: () => Child[], holdMs = 0): Promise<Forwarder> {
  const pushes: Forwarder['pushes'] = [];
  let closed = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const came = Date.now();
      const until = came + holdMs;
      while (!children().length && Date.now() < until && !closed) await new Promise((r) => setTimeout(r, 100));
      const topic = (req.url ?? '').replace(/^\/events\//, '');
      const record = { topic, answers: [] as string[], heldMs: Date.now() - came };
      pushes.push(record);
      let answered = false;
      const answer = (status: number) => {
        if (answered) return;
        answered = true;
        res.writeHead(status).end();
      };
      const sends = children().map(async (c) => {
        try {
          const r = await fetch(`${c.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await r.arrayBuffer();
          record.answers.push(String(r.status));
          if (r.ok) answer(204);
        } catch {
          record.answers.push('down');
        }
      });
      void Promise.allSettled(sends).then(() => answer(503));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, pushes,
    close: () => new Promise<void>((r) => {
      closed = true;
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Leases, open tickets and runs, for a failure message. */
export async function describeState(state: FirestoreStateStore): Promise<string> {
  const [leases, marks, runs] = await Promise.all([state.query<Lease>('leases', {}), state.query<PendingMark>('pending', {}), state.query<RunRecord>('runs', {})]);
  return [
    `leases: ${leases.map((l) => `${l.processor} (pid ${l.runner?.pid}, expires in ${l.expiresAt - Date.now()} ms)`).join(', ') || 'none'}`,
    `open: ${marks.map((m) => `${m.processor} ${m.tickets.length} ticket(s)${m.deferred ? ` held: ${m.deferred.reasons.join('; ')}` : ''}${m.failed ? ' failed' : ''}`).join(', ') || 'none'}`,
    `runs: ${runs.map((r) => `${r.processor} ${r.status}${r.error ? ` (${r.error})` : ''} pid ${r.runner}`).join(', ')}`,
  ].join('\n');
}

export const traceOf = (dir: string) => (existsSync(path.join(dir, 'trace.log')) ? readFileSync(path.join(dir, 'trace.log'), 'utf8').trim().split('\n') : []);
export const count = (lines: string[], what: string) => lines.filter((l) => l.startsWith(`${what} `)).length;
