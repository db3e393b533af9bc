// The Firestore emulator for tests: `startFirestoreEmulator()` runs the SDK's own launcher
// (platform/cloud-firestore-emulator: a java process, ~1.5 s to ready, no gcloud python wrapper) on a
// free 127.0.0.1 port, falling back to `gcloud emulators firestore start`, and returns {host, stop()};
// `resetFirestore(host, project)` deletes every document of a project between tests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorTestOptions, freePort, gcloudAvailable, sdkRoot, startEmulatorProcess, type RunningEmulator } from './emulator-process.js';

export { gcloudAvailable, type RunningEmulator };

/** `{ skip }` for describe() when gcloud is missing locally; throws under CI=true. */
export const firestoreTestOptions = () => emulatorTestOptions('Firestore');

export async function startFirestoreEmulator(): Promise<RunningEmulator> {
  const root = sdkRoot();
  if (!root) throw new Error('gcloud SDK not found: the Firestore emulator needs the gcloud CLI with Java');
  const port = await freePort();
  const launcher = join(root, 'platform', 'cloud-firestore-emulator', 'cloud_firestore_emulator');
  if (existsSync(launcher)) return startEmulatorProcess({ command: launcher, args: ['start', '--host=127.0.0.1', `--port=${port}`], port });
  return startEmulatorProcess({ command: 'gcloud', args: ['emulators', 'firestore', 'start', `--host-port=127.0.0.1:${port}`, '--quiet'], port });
}

/** Delete all documents of `projectId` in the emulator (the emulator's own reset endpoint). */
export async function resetFirestore(host: string, projectId: string): Promise<void> {
  const res = await fetch(`http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`resetting Firestore emulator project ${projectId}: HTTP ${res.status} ${await res.text()}`);
}
