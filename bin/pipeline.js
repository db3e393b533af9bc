#!/usr/bin/env node
// The installed `pipeline` binary: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { runCli } = await import(pathToFileURL(path.join(here, '..', 'engine', 'cli', 'main.ts')).href);
process.exitCode = await runCli(process.argv.slice(2));
