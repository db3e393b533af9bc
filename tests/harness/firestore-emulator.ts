// The Firestore emulator for tests: `startFirestoreEmulator()` runs the SDK's own launcher
// (platform/cloud-firestore-emulator, ~1.5 s to ready, no gcloud python wrapper) on a free port and
// returns its host; `resetFirestore(host, project)` deletes every document of a project between tests.
import { emulatorTestOptions, freePort, gcloudAvailable, sdkFile, startEmulatorProcess, type RunningEmulator } from './emulator-process.js';

export { gcloudAvailable };

/** `{ skip }` for describe() when gcloud is missing locally; throws under CI=true. */
export const firestoreTestOptions = () => emulatorTestOptions('Firestore');

export async function startFirestoreEmulator(): Promise<RunningEmulator> {
  const launcher = sdkFile('platform', 'cloud-firestore-emulator', 'cloud_firestore_emulator');
  const port = await freePort();
  return startEmulatorProcess({ command: launcher, args: ['start', '--host=127.0.0.1', `--port=${port}`], port });
}

/** Delete all documents of `projectId` in the emulator (the emulator's own reset endpoint). */
export async function resetFirestore(host: string, projectId: string): Promise<void> {
  const res = await fetch(`http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`resetting Firestore emulator project ${projectId}: HTTP ${res.status} ${await res.text()}`);
}
