// Every CLI command, one registrar per file. Add a command by adding its file and one line here.
import { codegen } from './codegen.js';
import type { Registrar } from './registrar.js';
import { graph } from './graph.js';
import { infra } from './infra.js';
import { inspect } from './inspect.js';
import { ls } from './ls.js';
import { ops } from './ops.js';
import { plan } from './plan.js';
import { run } from './run.js';
import { scaffold } from './new.js';
import { serve } from './serve.js';
import { source } from './source.js';
import { validate } from './validate.js';

export type { Registrar } from './registrar.js';

export const COMMANDS: Registrar[] = [validate, graph, plan, run, inspect, ops, serve, infra, codegen, source, scaffold, ls];
