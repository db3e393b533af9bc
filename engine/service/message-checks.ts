// Checks of a decoded push the normalizers are lenient about, made at the boundary so a doubtful
// message is refused with its reason instead of being taken as new data:
//   - a legacy or unified `status` must be one of the statuses of the message contract (a typo such as
//     "sucess" is not success);
//   - a GCS notification must come from a bucket the spec declares (after the deployment's
//     PIPELINE_BUCKET_<ALIAS> overrides), and its attributes and payload must name the same bucket.
// A deployed bucket name is mapped back to the spec's name, so the normalizers match collections as declared.
import type { AssetUpdated } from '../core/types.js';
import type { Delivery } from '../ports.js';
import type { Plan } from '../spec/plan.js';

export const MESSAGE_STATUSES = ['success', 'partial', 'no_data', 'failed'] as const satisfies readonly AssetUpdated['status'][];
// Fails to compile when the contract gains a status this list lacks.
const exhaustive: Exclude<AssetUpdated['status'], (typeof MESSAGE_STATUSES)[number]> extends never ? true : never = true;
void exhaustive;

type Wire = Record<string, unknown>;

export type Checked = { ok: true; delivery: Delivery } | { ok: false; reason: string };

function statusProblem(m: Wire): string | undefined {
  if (typeof m.event_type === 'string' || !('status' in m)) return undefined;
  const legacy = 'gcs_path' in m;
  if (!legacy && typeof m.processor_name !== 'string') return undefined;
  if (m.status === undefined || (legacy && m.status === null)) return undefined; // legacy scrapers may omit it: success
  if (typeof m.status !== 'string' || !(MESSAGE_STATUSES as readonly string[]).includes(m.status))
    return `status ${JSON.stringify(m.status)} is not a known status (${MESSAGE_STATUSES.join(', ')})`;
  return undefined;
}

const isGcs = (m: Wire, attrs: Record<string, string>) => !!(attrs.eventType || attrs.bucketId || attrs.objectId) || m.kind === 'storage#object';

/**
 * `buckets`: the spec's bucket name → the bucket deployed for it. Returns the delivery with deployed
 * bucket names mapped back to the spec's, or the reason to refuse it.
 */
export function checkDelivery(plan: Plan, d: Delivery, buckets: ReadonlyMap<string, string>): Checked {
  const m = d.data as Wire;
  const status = statusProblem(m);
  if (status) return { ok: false, reason: status };
  const specName = new Map([...buckets].map(([spec, deployed]) => [deployed, spec] as const));
  const declared = () => [...buckets.values()].join(', ') || 'none';
  if (isGcs(m, d.attributes)) {
    const fromAttrs = d.attributes.bucketId;
    const fromData = typeof m.bucket === 'string' ? m.bucket : undefined;
    if (fromAttrs && fromData && fromAttrs !== fromData) return { ok: false, reason: `GCS notification names two buckets: attribute bucketId ${JSON.stringify(fromAttrs)}, payload bucket ${JSON.stringify(fromData)}` };
    const bucket = fromAttrs ?? fromData;
    if (bucket === undefined) return { ok: true, delivery: d };
    const spec = specName.get(bucket);
    if (!spec) return { ok: false, reason: `GCS notification from bucket ${JSON.stringify(bucket)}, which is not a bucket of ${plan.name} (declared: ${declared()})` };
    if (spec === bucket) return { ok: true, delivery: d };
    return {
      ok: true,
      delivery: { ...d, data: fromData ? { ...m, bucket: spec } : m, attributes: fromAttrs ? { ...d.attributes, bucketId: spec } : d.attributes },
    };
  }
  if (typeof m.gcs_path === 'string') {
    const at = /^gs:\/\/([^/]+)\/(.*)$/.exec(m.gcs_path);
    if (!at) return { ok: true, delivery: d };
    const spec = specName.get(at[1]!);
    if (!spec) return { ok: false, reason: `gcs_path ${JSON.stringify(m.gcs_path)} is in bucket ${JSON.stringify(at[1])}, which is not a bucket of ${plan.name} (declared: ${declared()})` };
    if (spec !== at[1]) return { ok: true, delivery: { ...d, data: { ...m, gcs_path: `gs://${spec}/${at[2]}` } } };
  }
  return { ok: true, delivery: d };
}

/** The identity mapping: every bucket of the spec deployed under its own name (the local backend). */
export function specBuckets(plan: Plan): Map<string, string> {
  return new Map([...plan.buckets.values()].map((b) => [b, b] as const));
}
