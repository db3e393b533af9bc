// Configuring `pipeline serve`: every flag has an environment variable, a flag wins over it, bad values
// are one line and exit 2, `--backend gcp` without an OIDC audience refuses to start, the README's
// table is the catalogue's, and the generated manifests set only variables the engine reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';
import { backendEnv, DEFAULT_DRAIN_MS, isReadVariable, resolveServeSettings, SERVE_SETTINGS, settingsTable } from '../../engine/service/settings.js';
import { cloudRunFiles, SERVICE_YAML } from '../../codegen/cloudrun.js';
import { terraformModule } from '../../codegen/terraform/index.js';
import { nbaPlan, resources, type Json } from '../codegen/helpers.js';
import { writeHealProject } from '../process/gcp-project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = bufferIO(ROOT, { PIPELINE_DIR: path.join(os.tmpdir(), 'pipeline-cli-unused'), ...env });
  const code = await runCli(args, io);
  return { code, err: io.stderr.join('\n') };
}

describe('serve settings', () => {
  it('reads every setting from its variable, lets a flag win, and keeps defaults otherwise', () => {
    const env = { PIPELINE_BACKEND: 'gcp', PORT: '9000', PIPELINE_PROJECT: 'p-env', PIPELINE_REGION: 'europe-west1', PIPELINE_DATASET_PREFIX: 'dev_', PIPELINE_OIDC_AUDIENCE: 'https://svc', PIPELINE_OIDC_EMAILS: 'a@x, b@x', PIPELINE_DRAIN_MS: '2500' };
    const s = resolveServeSettings({ project: 'p-flag', port: '0' }, env);
    assert.deepEqual(
      { backend: s.backend, port: s.port, project: s.project, region: s.region, datasetPrefix: s.datasetPrefix, oidcAudience: s.oidcAudience, oidcEmails: s.oidcEmails, drainMs: s.drainMs, host: s.host, allow: s.allowUnauthenticated },
      { backend: 'gcp', port: 0, project: 'p-flag', region: 'europe-west1', datasetPrefix: 'dev_', oidcAudience: 'https://svc', oidcEmails: ['a@x', 'b@x'], drainMs: 2500, host: '0.0.0.0', allow: false },
    );
    const defaults = resolveServeSettings({}, { PORT: '' });
    assert.deepEqual([defaults.backend, defaults.port, defaults.drainMs, defaults.project], ['local', 8080, DEFAULT_DRAIN_MS, undefined], 'an empty variable is unset');
  });

  it('hands the backends their project, location and prefixes, flags written over the variables', () => {
    const plan = nbaPlan();
    const s = resolveServeSettings({ backend: 'gcp', allowUnauthenticated: true, project: 'p-flag', region: 'europe-west1' }, { PIPELINE_PROJECT: 'p-env' });
    const env = backendEnv(s, { PIPELINE_PROJECT: 'p-env', OTHER: 'kept' }, plan);
    assert.deepEqual([env.PIPELINE_PROJECT, env.PIPELINE_BQ_LOCATION, env.OTHER], ['p-flag', 'europe-west1', 'kept']);
    assert.equal(backendEnv(resolveServeSettings({}, {}), {}, plan).PIPELINE_BQ_LOCATION, plan.project.region, "the spec's region by default");
    assert.equal(backendEnv(resolveServeSettings({ region: 'us-east1', bigqueryLocation: 'US' }, {}), {}, plan).PIPELINE_BQ_LOCATION, 'US');
  });

  it('refuses bad values and an unverified gcp service in one line with exit 2', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['serve'], { PIPELINE_BACKEND: 'aws' }, /PIPELINE_BACKEND "aws" is not allowed — expected PIPELINE_BACKEND local\|gcp/],
      [['serve'], { PORT: 'http' }, /PORT "http" is not a whole number between 0 and 65535/],
      [['serve', '--drain-ms', '-5'], {}, /--drain-ms "-5" is not a whole number/],
      [['serve'], { PIPELINE_ALLOW_UNAUTHENTICATED: 'perhaps' }, /PIPELINE_ALLOW_UNAUTHENTICATED "perhaps" is not a yes\/no value/],
      [['serve', '--oidc-audience', 'not a url'], {}, /--oidc-audience "not a url" is not a URL/],
      [['serve', '--backend', 'gcp'], {}, /--backend gcp without an OIDC audience would accept pushes .* — expected --oidc-audience URL .* or --allow-unauthenticated/],
      [['serve'], { PIPELINE_BACKEND: 'gcp', PIPELINE_OIDC_AUDIENCE: '' }, /without an OIDC audience/],
    ];
    for (const [args, env, re] of cases) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${r.err}`);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
    assert.doesNotThrow(() => resolveServeSettings({ backend: 'gcp', allowUnauthenticated: true }, {}));
    assert.doesNotThrow(() => resolveServeSettings({}, { PIPELINE_BACKEND: 'gcp', PIPELINE_ALLOW_UNAUTHENTICATED: 'true' }));
  });

  it('refuses --backend gcp with no project (none given, none in the spec) in one line with exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-no-project-'));
    try {
      const spec = writeHealProject(dir);
      // serve is told to start unverified, so that the project is all it lacks.
      for (const [command, extra] of [['serve', ['--allow-unauthenticated']], ['reconcile', []]] as const) {
        const r = await cli(['-f', spec, command, '--backend', 'gcp', ...extra]);
        assert.equal(r.code, 2, r.err);
        assert.equal(r.err, `pipeline: ${command} --backend gcp needs a Google Cloud project — expected --project ID (env PIPELINE_PROJECT), or \`project.id\` in the spec`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every setting in --help with its variable', async () => {
    const io = bufferIO(ROOT, {});
    assert.equal(await runCli(['serve', '--help'], io), 0);
    const help = io.stdout.join('\n').replace(/\s+/g, ' ');
    for (const s of Object.values(SERVE_SETTINGS)) {
      assert.ok(help.includes(s.flag.split(' ')[0]!), s.flag);
      assert.ok(help.includes(`env ${s.env}`), s.env);
    }
  });

  it("is the README's table", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- serve-settings[^>]*-->\n([\s\S]*?)\n<!-- \/serve-settings -->/.exec(readme);
    assert.ok(m, 'README has the serve-settings section');
    assert.equal(m[1], settingsTable(), 'README table is stale: replace it with settingsTable() of engine/service/settings.ts');
  });
});

describe('the deployment manifests set only what the engine reads', () => {
  const plan = nbaPlan();
  const yamlEnv = () => {
    const doc = parse(cloudRunFiles(plan)[SERVICE_YAML]!) as Json;
    return ((((doc.spec as Json).template as Json).spec as Json).containers as Json[])[0]!.env as Array<{ name: string; value: string }>;
  };
  const tfEnv = () => ((resources(terraformModule(plan)).google_cloud_run_v2_service!.service!.template as Json).containers as Json[])[0]!.env as Array<{ name: string; value: string }>;

  for (const [name, env] of [['infra/cloudrun/service.yaml', yamlEnv], ['infra/terraform/cloudrun.tf.json', tfEnv]] as const) {
    it(`${name}: every variable is read, the backend is gcp, and the service verifies callers`, () => {
      const vars = env();
      assert.deepEqual(vars.filter((v) => !isReadVariable(v.name)).map((v) => v.name), [], 'variables nothing reads');
      const byName = new Map(vars.map((v) => [v.name, v.value]));
      assert.equal(byName.get('PIPELINE_BACKEND'), 'gcp');
      assert.ok(byName.get('PIPELINE_OIDC_AUDIENCE'), 'an OIDC audience, so --backend gcp starts');
      assert.ok(byName.get('PIPELINE_PROJECT') && byName.get('PIPELINE_REGION'));
      assert.ok(!byName.has('PORT'), 'Cloud Run sets PORT');
      const fill = (v: string) => v.replace(/\$\{[^}]*\}/g, (p) => (/service_url|SERVICE_URL/.test(p) ? 'https://svc.test' : 'filled'));
      const settings = resolveServeSettings({}, Object.fromEntries(vars.map((v) => [v.name, fill(v.value)])));
      assert.equal(settings.backend, 'gcp');
    });
  }
});
