// Every CLI command, one registrar per file. Add a command by adding its file and one line here.
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { codegen } from './codegen.js';
import { graph } from './graph.js';
import { infra } from './infra.js';
import { inspect } from './inspect.js';
import { ops } from './ops.js';
import { plan } from './plan.js';
import { run } from './run.js';
import { serve } from './serve.js';
import { source } from './source.js';
import { validate } from './validate.js';

export type Registrar = (program: Command, io: CliIO) => void;

export const COMMANDS: Registrar[] = [validate, graph, plan, run, inspect, ops, serve, infra, codegen, source];
