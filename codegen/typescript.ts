// Rendering TypeScript source: names, string literals and unions, doc comments, and the TypeScript
// type of the JSON Schema subset the message contracts use (so the types and the schemas of a message
// come from one definition).

export type JsonSchema = { readonly [k: string]: unknown };

/** `shop_report.daily_sales` → `ShopReportDailySales`. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A union of string literals, or `never` for none. */
export function union(values: readonly string[]): string {
  return values.length ? values.map(lit).join(' | ') : 'never';
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : lit(name);
}

/** A one-line `/** ... *\/` comment, or nothing. */
export function doc(text: string | undefined, indent = ''): string {
  if (!text) return '';
  return `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()} */\n`;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? lit(v) : JSON.stringify(v);
}

/** The TypeScript type of a JSON Schema (the subset codegen emits). */
export function tsType(s: JsonSchema, indent = ''): string {
  if ('not' in s) return 'never';
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map((x) => tsType(x, indent)).join(' | ');
  if (Array.isArray(s.type)) return (s.type as string[]).map((t) => tsType({ ...s, type: t }, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(tsType((s.items as JsonSchema) ?? {}, indent))}[]`;
    case 'object': {
      const props = Object.entries((s.properties as Record<string, JsonSchema>) ?? {});
      const required = new Set((s.required as string[]) ?? []);
      if (!props.length) {
        const extra = s.additionalProperties;
        return extra && typeof extra === 'object' ? `Record<string, ${tsType(extra as JsonSchema, indent)}>` : 'Record<string, unknown>';
      }
      const inner = `${indent}  `;
      const lines = props.map(([k, v]) => `${doc(v.description as string | undefined, inner)}${inner}${key(k)}${required.has(k) ? '' : '?'}: ${tsType(v, inner)};`);
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

const wrap = (t: string) => (/[|&]/.test(t) && !t.startsWith('{') ? `(${t})` : t);
