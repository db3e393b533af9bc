// Narrower row types derived from the generated ones (generated/rows.ts, beside pipeline.yaml), so that a table's
// columns are declared once, in pipeline.yaml, and reach the processors through `npm run codegen`.

/** `T` with the columns `K` known to be filled: never null in what the processor builds. */
export type Filled<T, K extends keyof T> = { [P in keyof T]: P extends K ? NonNullable<T[P]> : T[P] };

/** A row as a processor builds it: without the partition column game_date, which the engine fills. */
export type Unpartitioned<T> = Omit<T, 'game_date'>;
