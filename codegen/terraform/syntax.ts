// Terraform JSON syntax for the generators: a module document that resources are added to, the
// reference and interpolation helpers (every `${...}` codegen writes goes through `ref`), and
// escaping of literal text (a description holding `${` must not become an interpolation).

type Body = Record<string, unknown>;

/** One `.tf.json` file: blocks by kind (`resource`, `variable`, ...), then by type and name. */
export class TfDoc {
  readonly blocks: Record<string, Record<string, unknown>> = {};

  /** Add `resource "type" "name" { body }`. */
  resource(type: string, name: string, body: Body): this {
    return this.addTyped('resource', type, name, body);
  }

  data(type: string, name: string, body: Body): this {
    return this.addTyped('data', type, name, body);
  }

  /** Add a `variable`, `output` or `locals` entry, or a top-level block such as `terraform`. */
  add(kind: 'variable' | 'output' | 'locals' | 'terraform' | 'provider', name: string, body: unknown): this {
    const b = (this.blocks[kind] ??= {});
    if (name in b) throw new Error(`terraform: ${kind} ${name} is defined twice`);
    b[name] = body;
    return this;
  }

  private addTyped(kind: 'resource' | 'data', type: string, name: string, body: Body): this {
    const byType = ((this.blocks[kind] ??= {}) as Record<string, Body>);
    const byName = (byType[type] ??= {}) as Body;
    if (name in byName) throw new Error(`terraform: ${kind} ${type}.${name} is defined twice`);
    byName[name] = body;
    return this;
  }

  /** The document with block kinds, types and names in a stable order. */
  toJSON(): Record<string, unknown> {
    const order = ['terraform', 'provider', 'variable', 'locals', 'data', 'resource', 'output'];
    const out: Record<string, unknown> = {};
    for (const kind of order) {
      const b = this.blocks[kind];
      if (!b) continue;
      out[kind] = kind === 'resource' || kind === 'data' ? sortKeys(b, 2) : kind === 'terraform' || kind === 'locals' ? b : sortKeys(b, 1);
    }
    return out;
  }
}

function sortKeys(o: Record<string, unknown>, depth: number): Record<string, unknown> {
  const keys = Object.keys(o).sort();
  return Object.fromEntries(keys.map((k) => [k, depth > 1 ? sortKeys(o[k] as Record<string, unknown>, depth - 1) : o[k]]));
}

/** A Terraform identifier for a resource name: letters, digits and `_`, not starting with a digit. */
export function tfName(name: string): string {
  const n = name.replace(/[^A-Za-z0-9_]+/g, '_');
  return /^[A-Za-z_]/.test(n) ? n : `_${n}`;
}

/** `${address.attribute}`: an interpolated reference. */
export function ref(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

/** Literal text inside a Terraform string: `${` and `%{` would start an interpolation or directive. */
export function literal(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Pub/Sub and Scheduler durations: `600s`. */
export const secondsText = (s: number) => `${s}s`;

/** Well-known addresses every file refers to (defined in variables.ts and cloudrun.ts). */
export const ADDR = {
  project: 'var.project',
  region: 'var.region',
  image: 'var.image',
  notificationChannels: 'var.notification_channels',
  projectData: 'data.google_project.project',
  service: 'google_cloud_run_v2_service.service',
  serviceAccount: 'google_service_account.service',
  invokerAccount: 'google_service_account.invoker',
  serviceMember: 'local.service_member',
  invokerMember: 'local.invoker_member',
  pubsubAgent: 'local.pubsub_agent',
  /** The service's deterministic URL: push and scheduler target and OIDC audience. */
  serviceUrl: 'local.service_url',
} as const;

/** `${var.x}` / `${local.x}`: a whole value that is one variable or local. */
export const value = (address: string) => `\${${address}}`;

/** Comment property (Terraform JSON ignores `"//"` keys in block bodies). */
export const comment = (text: string) => ({ '//': text });
