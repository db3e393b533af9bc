// Shared test helpers for the sample source: start/close a server per test and
// fetch JSON from it.

import { startSampleSource, type SampleSource } from '../../processors/sample-source/index.js';

export async function withSource<T>(fn: (s: SampleSource) => Promise<T>, seed = 7): Promise<T> {
  const s = await startSampleSource({ seed, port: 0 });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export async function getJson<T = any>(s: SampleSource, path: string): Promise<T> {
  const res = await fetch(s.url + path);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function getRaw(s: SampleSource, path: string, init?: RequestInit): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(s.url + path, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

export async function post<T = any>(s: SampleSource, path: string, body: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as T };
}

/** Rows of a stats.nba.com resultSet as objects keyed by header. */
export function rowsOf(payload: any, name: string): Array<Record<string, any>> {
  const set = payload.resultSets.find((r: any) => r.name === name);
  return set.rowSet.map((row: unknown[]) => Object.fromEntries(set.headers.map((h: string, i: number) => [h, row[i]])));
}

export const DATE = '2025-11-15';
