// Debian's PostgreSQL and Redis for the peers, started by the bench itself: loopback ports of its own,
// a temporary data folder, stopped by pid at the end — also when a workload fails or on ctrl-c.
// Missing packages are installed with apt-get (Debian's mirrors are reachable here).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Servers {
  postgresUrl: string;
  redis: { host: string; port: number };
  versions: { postgres: string; redis: string };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const v = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(root, v, 'bin') : undefined;
}

function redisBin(): string | undefined {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
}

function ensurePackages(): void {
  const missing = [!postgresBin() && 'postgresql', !redisBin() && 'redis-server'].filter(Boolean) as string[];
  if (!missing.length) return;
  process.stderr.write(`peers: installing ${missing.join(' ')} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
}

/** As root, initdb and postgres run as the `postgres` user (they refuse root); spawned directly, so the pid is theirs. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Stop a child we started, by its pid: SIGTERM, then SIGKILL if it lingers. */
async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function startServers(): Promise<Servers> {
  ensurePackages();
  const pgBin = postgresBin()!;
  const redisServer = redisBin()!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-peers-servers-'));
  chmodSync(dir, 0o777); // the postgres user writes its data folder and socket here
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    await Promise.all(children.map((c) => stopChild(c)));
    rmSync(dir, { recursive: true, force: true });
  };
  // ctrl-c or a kill: stop the servers by pid, then leave with the usual code for the signal.
  const onSignal = (sig: NodeJS.Signals) => void stop().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  // A crash that skips the finally: at least the pids we own get their SIGKILL.
  const onExit = () => children.forEach((c) => c.exitCode === null && c.pid && process.kill(c.pid, 'SIGKILL'));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    const pgData = path.join(dir, 'pg');
    const user = postgresUser();
    const init = spawnSync(path.join(pgBin, 'initdb'), ['-D', pgData, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], { encoding: 'utf8', cwd: dir, ...user });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    const pgPort = await freePort();
    // Run postgres itself (not pg_ctl) so the pid we hold is the postmaster's.
    const pg = spawn(path.join(pgBin, 'postgres'), ['-D', pgData, '-p', String(pgPort), '-h', '127.0.0.1', '-k', dir, '-c', 'max_connections=100'], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...user });
    children.push(pg);
    let pgLog = '';
    pg.stderr!.on('data', (b: Buffer) => (pgLog += b.toString()));
    await waitFor('postgres', () => /ready to accept connections/.test(pgLog), pg);

    const redisPort = await freePort();
    const redis = spawn(redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    children.push(redis);
    await waitFor('redis-server', () => listening(redisPort), redis);

    const pgVersion = spawnSync(path.join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    const redisVersion = spawnSync(redisServer, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').slice(0, 3).join(' ');
    return {
      postgresUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
      redis: { host: '127.0.0.1', port: redisPort },
      versions: { postgres: pgVersion, redis: redisVersion },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
