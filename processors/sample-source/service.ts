// The sample source as a local service of pipeline.yaml (`local.services.sample_source`): `pipeline
// source start` runs it in the foreground, and local runs start it on demand when SOURCE_BASE_URL is
// not set and none is running. Seed 42 (the demo's) unless SAMPLE_SOURCE_SEED says otherwise.
import { defineLocalService } from 'pipeline/local-service';
import { startSampleSource } from './index.js';

export const DEFAULT_SEED = 42;

export default defineLocalService({
  async start({ port, env }) {
    const seed = env.SAMPLE_SOURCE_SEED === undefined ? DEFAULT_SEED : Number(env.SAMPLE_SOURCE_SEED);
    if (!Number.isInteger(seed)) throw new Error(`SAMPLE_SOURCE_SEED must be a whole number, found ${JSON.stringify(env.SAMPLE_SOURCE_SEED)}`);
    const source = await startSampleSource({ seed, port });
    return { url: source.url, close: () => source.close() };
  },
});
