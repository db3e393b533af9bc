// storage.tf.json: the spec's buckets (uniform bucket-level access, labels) and the service's access
// per bucket: objectAdmin where a processor writes a collection, objectViewer where it only reads.
import { labelValue } from '../../engine/infra/bigquery-schema.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ADDR, ref, TfDoc, tfName, value } from './syntax.js';

/** Bucket alias → how the service uses it (absent: no collection lives there). */
export function bucketAccess(plan: Plan): Map<string, 'write' | 'read'> {
  const out = new Map<string, 'write' | 'read'>();
  for (const a of plan.assets.values()) {
    if (a.kind !== 'objects') continue;
    const writes = plan.writerOf.has(a.ref);
    const reads = [...plan.processors.values()].some((p) => p.reads.some((r) => r.asset === a.ref));
    if (writes) out.set(a.bucketAlias, 'write');
    else if (reads && !out.has(a.bucketAlias)) out.set(a.bucketAlias, 'read');
  }
  return out;
}

export function storageDoc(plan: Plan): TfDoc {
  const doc = new TfDoc();
  const access = bucketAccess(plan);
  for (const [alias, name] of [...plan.buckets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const address = `google_storage_bucket.${tfName(alias)}`;
    doc.resource('google_storage_bucket', tfName(alias), {
      name, location: `\${upper(${ADDR.region})}`, uniform_bucket_level_access: true, force_destroy: false,
      labels: { pipeline: labelValue(plan.name), bucket: labelValue(alias) },
    });
    const use = access.get(alias);
    if (!use) continue;
    doc.resource('google_storage_bucket_iam_member', `${tfName(alias)}_service_${use === 'write' ? 'object_admin' : 'object_viewer'}`, {
      bucket: ref(address, 'name'), role: use === 'write' ? 'roles/storage.objectAdmin' : 'roles/storage.objectViewer', member: value(ADDR.serviceMember),
    });
  }
  return doc;
}
