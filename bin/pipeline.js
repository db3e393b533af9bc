#!/usr/bin/env node
// The installed `pipeline` binary. In a checkout (the engine's TypeScript sources beside it and tsx
// installed) it runs the sources through tsx's loader, so a dist/ left by an earlier `npm run build`
// can never run stale code; where there are no sources (the image) or PIPELINE_COMPILED=1, it runs the
// compiled engine (dist/). With the compiled engine, tsx is registered when it is installed and the first
// project module written in TypeScript is imported; an image has no tsx and runs compiled processors.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'engine', 'cli', 'main.js');

async function registerTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch {
    return false;
  }
}

const sources = path.join(root, 'engine', 'cli', 'main.ts');
const wantCompiled = existsSync(compiled) && (process.env.PIPELINE_COMPILED === '1' || !existsSync(sources));
// From sources the engine itself needs tsx; the compiled engine registers it only when a project's
// TypeScript module is imported (engine/runtime/user-modules.ts), which most commands never do.
const tsx = wantCompiled ? false : await registerTsx();
const useCompiled = wantCompiled || (!tsx && existsSync(compiled));
if (!useCompiled && !tsx) {
  process.stderr.write('pipeline: neither the compiled engine (dist/: run `npm run build`) nor tsx (a dev dependency: `npm ci`) is here\n');
  process.exit(70);
}
if (useCompiled) {
  let registering;
  globalThis[Symbol.for('pipeline.loadTypeScript')] = () => (registering ??= registerTsx());
}
const entry = useCompiled ? compiled : sources;
const { runCli } = await import(pathToFileURL(entry).href);
// Every command is finished when runCli resolves (serve and source start wait for their signal): exit
// now, so a processor that ignored its abort signal cannot keep the process alive.
process.exit(await runCli(process.argv.slice(2)));
