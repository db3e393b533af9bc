// Support for the tests that follow the docs verbatim: a fresh copy of the repository (the files git
// tracks, plus untracked files not ignored, so the working tree is what is tested; node_modules
// linked), the fenced blocks of a Markdown file in order, and a shell runner that keeps each
// command's exit code, output and duration for the assertion messages.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `<tmp>/repo`: a copy of the repository's files; `<tmp>` is free for what commands write beside it (`../sensors`). */
export function repoCopy(prefix: string): { tmp: string; repo: string } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const repo = path.join(tmp, 'repo');
  const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (ls.status !== 0) throw new Error(`git ls-files failed in ${ROOT}: ${ls.stderr}`);
  for (const f of ls.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, f);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    copyFileSync(from, path.join(repo, f));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
  return { tmp, repo };
}

export interface Block {
  /** The info string's first word (`sh`, `ts`, `yaml`). */
  lang: string;
  /** `key=value` words after it (`file=PATH`, `edit=PATH`). */
  attrs: Record<string, string>;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** The fenced code blocks of a Markdown text, in order. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const attrs = Object.fromEntries([...open[2]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    out.push({ lang: open[1]!, attrs, text: body.join('\n'), line: start + 1 });
  }
  return out;
}

/** Shell commands of a block: one per line, `\` continuations joined, comments and blank lines dropped. */
export function shellCommands(block: string): string[] {
  const joined = block.replace(/\\\n\s*/g, ' ');
  return joined.split('\n').map((l) => l.replace(/\s+#\s.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

/**
 * Replaces, in a YAML text, the entry that starts with the snippet's first line (same indentation) up to
 * the next line indented as much or less: the snippet's first line must occur exactly once.
 */
export function replaceYamlEntry(text: string, snippet: string): string {
  const lines = text.split('\n');
  const head = snippet.split('\n')[0]!;
  const at = lines.flatMap((l, i) => (l === head ? [i] : []));
  if (at.length !== 1) throw new Error(`${JSON.stringify(head)} occurs ${at.length} times, expected once`);
  const indent = head.length - head.trimStart().length;
  let end = at[0]! + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || lines[end]!.length - lines[end]!.trimStart().length > indent)) end++;
  while (end > at[0]! + 1 && lines[end - 1]!.trim() === '') end--; // keep blank lines before the next entry
  return [...lines.slice(0, at[0]!), ...snippet.replace(/\n$/, '').split('\n'), ...lines.slice(end)].join('\n');
}

/** Applies a `file=` (whole file) or `edit=` (a YAML entry) block inside `dir`. */
export function applyBlock(dir: string, b: Block): void {
  if (b.attrs.file) writeFileSync(path.join(dir, b.attrs.file), `${b.text}\n`);
  else if (b.attrs.edit) writeFileSync(path.join(dir, b.attrs.edit), replaceYamlEntry(readFileSync(path.join(dir, b.attrs.edit), 'utf8'), b.text));
  else throw new Error(`block at line ${b.line} has neither file= nor edit=`);
}

export interface Ran {
  command: string;
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Environment of the commands: the copy's own state folder and spec, whatever the caller's shell set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const k of ['PIPELINE_DIR', 'PIPELINE_SPEC', 'SOURCE_BASE_URL', 'PIPELINE_BACKEND', 'NODE_TEST_CONTEXT']) if (!(k in extra)) delete env[k];
  return env;
}

/** Runs one shell command in `cwd` to its end (killed after `timeoutMs`). */
export function sh(cwd: string, command: string, timeoutMs = 120_000): Promise<Ran> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command, code, out, err, ms: Date.now() - t0 });
    });
  });
}

/** A failed command as a readable assertion message. */
export function failure(r: Ran): string {
  const tail = (s: string) => s.split('\n').slice(-25).join('\n');
  return `\`${r.command}\` exited ${r.code} after ${r.ms} ms\n--- stdout\n${tail(r.out)}\n--- stderr\n${tail(r.err)}`;
}
