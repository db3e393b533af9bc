// The Pub/Sub emulator for tests: `startPubSubEmulator()` runs the SDK's own launcher
// (platform/pubsub-emulator/bin/cloud-pubsub-emulator: one java process, ~1.5 s to ready) on a free
// 127.0.0.1 port, falling back to `gcloud beta emulators pubsub start`, and returns {host, stop()}.
// Tests that need it use `pubsubTestOptions()`: skipped with a message without gcloud, failed under CI.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorTestOptions, freePort, gcloudAvailable, sdkRoot, startEmulatorProcess, type RunningEmulator } from './emulator-process.js';

export type { RunningEmulator };

/** Whether the gcloud CLI (and so the emulator) is installed. */
export const emulatorAvailable = gcloudAvailable;

/** `{ skip }` for describe() when gcloud is missing locally; throws under CI=true. */
export const pubsubTestOptions = () => emulatorTestOptions('Pub/Sub');

export async function startPubSubEmulator(): Promise<RunningEmulator> {
  const root = sdkRoot();
  if (!root) throw new Error('gcloud SDK not found: the Pub/Sub emulator needs the gcloud CLI with Java');
  const port = await freePort();
  const launcher = join(root, 'platform', 'pubsub-emulator', 'bin', 'cloud-pubsub-emulator');
  if (existsSync(launcher)) return startEmulatorProcess({ command: launcher, args: ['--host=127.0.0.1', `--port=${port}`], port });
  return startEmulatorProcess({ command: 'gcloud', args: ['beta', 'emulators', 'pubsub', 'start', `--host-port=127.0.0.1:${port}`, '--quiet'], port });
}
