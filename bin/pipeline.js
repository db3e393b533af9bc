#!/usr/bin/env node
// The installed `pipeline` binary. It runs the compiled engine (dist/, from `npm run build`; what the
// image ships) when it is there, else the TypeScript sources through tsx's loader (a checkout without a
// build). With the compiled engine, tsx is still registered when it is installed, so a project's
// processors written in TypeScript load; an image has no tsx and runs compiled processors. After
// changing the engine's sources, build again (or delete dist/): a stale dist/ would run.
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

const useCompiled = existsSync(compiled);
if (useCompiled) await registerTsx();
else if (!(await registerTsx())) {
  process.stderr.write('pipeline: neither the compiled engine (dist/: run `npm run build`) nor tsx (a dev dependency: `npm ci`) is here\n');
  process.exit(70);
}
const entry = useCompiled ? compiled : path.join(root, 'engine', 'cli', 'main.ts');
const { runCli } = await import(pathToFileURL(entry).href);
// Every command is finished when runCli resolves (serve and source start wait for their signal): exit
// now, so a processor that ignored its abort signal cannot keep the process alive.
process.exit(await runCli(process.argv.slice(2)));
