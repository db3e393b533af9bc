// Conversions between DuckDB and plain JavaScript, and SQL identifier quoting. Every row that leaves
// the local backends goes through `plainConverter`, so callers never see bigint, DuckDB value classes
// or JSON text: BIGINT → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO string, JSON → parsed value,
// DECIMAL → number.
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBDateValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** A TIMESTAMP's microseconds as ISO text (milliseconds kept, as every read returns it). */
export function isoFromMicros(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

function isoOf(v: DuckDBTimestampValue | DuckDBTimestampTZValue): string {
  // Infinite timestamps have no ISO form; DuckDB's own text ('infinity') is the honest answer.
  if (!v.isFinite) return v.toString();
  return isoFromMicros(v.micros);
}

export const plainConverter: DuckDBValueConverter<Plain> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      // Precision beyond 2^53 is lost; engine counters and ids never get there.
      return Number(value as bigint);
    case DuckDBTypeId.DATE:
      return (value as DuckDBDateValue).toString();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoOf(value as DuckDBTimestampValue);
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? (JSON.parse(value as string) as Plain) : (value as string);
    default: {
      const js = JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
      if (js instanceof Date) return js.toISOString();
      if (typeof js === 'bigint') return Number(js);
      if (js instanceof Uint8Array) return Buffer.from(js).toString('base64');
      return js as Plain;
    }
  }
};

/** Quote an SQL identifier (schema, table or column name). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote an SQL string literal (for the few places a parameter cannot go, e.g. a JSON path). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
