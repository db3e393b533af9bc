// Starting and stopping a Google Cloud emulator for tests: find the SDK, pick a free port, spawn the
// emulator's own launcher in a new process group (so one kill stops the launcher and any java child),
// wait until it answers HTTP, and decide whether a test without gcloud skips or fails (CI=true fails).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunningEmulator {
  /** `127.0.0.1:PORT`, the value of FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. */
  host: string;
  pid: number;
  /** Kill the process group (launcher and java child) and wait for the exit. */
  stop(): Promise<void>;
}

let sdkRootCache: string | null | undefined;

/** The gcloud SDK root, or null when gcloud is not installed. */
export function sdkRoot(): string | null {
  if (sdkRootCache !== undefined) return sdkRootCache;
  const r = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 20_000 });
  const root = r.status === 0 ? r.stdout.trim() : '';
  sdkRootCache = root && existsSync(root) ? root : null;
  return sdkRootCache;
}

export function gcloudAvailable(): boolean {
  return sdkRoot() !== null;
}

/**
 * What a test that needs an emulator does when gcloud is missing: `{ skip: 'message' }` locally (the
 * runner prints it), an exception under CI=true (a missing emulator must not pass silently).
 */
export function emulatorTestOptions(name: string): { skip?: string } {
  if (gcloudAvailable()) return {};
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`${name} emulator tests need the gcloud CLI (with Java), and CI is set: install it or unset CI`);
  }
  const message = `SKIPPED: ${name} emulator tests need the gcloud CLI (with Java); not found on PATH`;
  console.warn(message);
  return { skip: message };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`emulator exited (${child.exitCode ?? child.signalCode}) before answering ${url}:\n${output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`emulator did not answer ${url} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spawn `command args` detached (its own process group), wait for `GET http://host/` to answer. */
export async function startEmulatorProcess(opts: {
  command: string;
  args: string[];
  port: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<RunningEmulator> {
  const child = spawn(opts.command, opts.args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${opts.port}`;
  const pid = child.pid!;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  // The launcher may exit before its java child: wait until the whole process group is gone.
  const stop = async () => {
    signal('SIGTERM');
    const killAt = Date.now() + 3000;
    while (groupAlive()) {
      if (Date.now() > killAt) signal('SIGKILL');
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    child.stdout!.destroy();
    child.stderr!.destroy();
  };
  try {
    await waitForHttp(`http://${host}/`, child, () => log, opts.timeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, pid, stop };
}
