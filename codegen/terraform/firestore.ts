// firestore.tf.json: the state store and document collections live in Firestore, whose IAM has no
// database- or collection-level grant: roles/datastore.user on the project is the narrowest role.
import type { Plan } from '../../engine/spec/plan.js';
import { comment, TfDoc, value, ADDR } from './syntax.js';

export function firestoreDoc(_plan: Plan): TfDoc {
  return new TfDoc().resource('google_project_iam_member', 'service_datastore_user', {
    ...comment('Project-level on purpose: Firestore has no narrower grant. The (default) database is created once by hand (see infra/README.md).'),
    project: value(ADDR.project), role: 'roles/datastore.user', member: value(ADDR.serviceMember),
  });
}
