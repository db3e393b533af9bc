// Benchmark helpers: percentiles, the machine description, and writing results into BENCHMARKS.md
// (one section per benchmark, replaced on each run, dated).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} × ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export interface Result {
  name: string;
  rows: Array<[string, string, string]>; // metric, value, target/verdict
  /** Further tables after the metric table (e.g. one column per system compared). */
  tables?: Array<{ columns: string[]; rows: string[][] }>;
  notes?: string[];
}

function table(columns: string[], rows: string[][]): string[] {
  return [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function render(r: Result): string {
  const lines = [`## ${r.name}`, '', `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`, '', ...table(['metric', 'value', 'target'], r.rows)];
  for (const t of r.tables ?? []) lines.push('', ...table(t.columns, t.rows));
  if (r.notes?.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

/** Replace (or append) the section of this benchmark in BENCHMARKS.md. */
export function record(r: Result): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench` (bench/). Each section is replaced when its benchmark runs again.\n';
  const section = render(r);
  const start = text.indexOf(`## ${r.name}\n`);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 4);
    text = text.slice(0, start) + section + '\n' + (next >= 0 ? `\n${text.slice(next + 1)}` : '');
  } else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
export const verdict = (ok: boolean, target: string) => `${target} — ${ok ? 'met' : 'NOT met'}`;
