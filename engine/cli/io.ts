// Where commands print. Tests pass buffers; the binary passes the process streams.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Working directory used to resolve default paths. */
  cwd: string;
  env: Record<string, string | undefined>;
  color: boolean;
  /** stdout is a terminal: progress may redraw a bar (otherwise it prints lines). */
  interactive?: boolean;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    cwd: process.cwd(),
    env: process.env,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    interactive: !!process.stdout.isTTY,
  };
}

export function bufferIO(cwd = process.cwd(), env: Record<string, string | undefined> = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), cwd, env, color: false };
}
