// `pipeline codegen [--check]`: the generated files of the loaded spec (typed contracts in generated/,
// message schemas, infrastructure), written beside it — the same code as `npm run codegen`, for a
// pipeline of one's own outside this repository.
import path from 'node:path';
import { runCodegen } from '../../../codegen/main.js';
import { CommandFailed } from '../errors.js';
import { specPath } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const codegen: Registrar = (program, io) => {
  program
    .command('codegen')
    .description('write the generated files of the spec beside it (typed contracts in generated/, message schemas, infrastructure)')
    .option('--check', 'write nothing; exit 1 naming each stale, missing or extra file')
    .addHelpText('after', '\nExamples:\n  $ pipeline codegen\n  $ pipeline -f path/to/pipeline.yaml codegen --check')
    .action((opts: { check?: boolean }) => {
      const file = specPath(io, program.opts().file as string | undefined);
      const code = runCodegen([...(opts.check ? ['--check'] : []), path.relative(io.cwd, file) || file], io, io.cwd);
      if (code) throw new CommandFailed('', code);
    });
};
