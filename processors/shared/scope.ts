// Scoped runs: when the engine runs a processor for some entities only, the processor must write rows
// for exactly those entities (the engine replaces only the scope's rows). `inScope` filters output
// rows by the column that carries the scope's entity kind in the output table.
import type { Scope } from 'pipeline/processor';

/** Keeps the rows whose entity column for the scope's kind is one of the scope's ids. */
export function inScope<R extends object>(rows: readonly R[], scope: Scope | null, columns: Partial<Record<string, keyof R & string>>): R[] {
  if (!scope) return [...rows];
  const column = columns[scope.kind];
  if (!column) return [...rows];
  const ids = new Set(scope.ids);
  return rows.filter((r) => ids.has(String(r[column])));
}
