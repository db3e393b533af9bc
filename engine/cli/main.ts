// The `pipeline` command: builds the commander program from one registrar per command file, maps
// errors to exit codes (1 = ran and found problems, 2 = bad arguments) and never prints a stack
// trace for a user's mistake.
import { Command, CommanderError } from 'commander';
import { pathToFileURL } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { CommandFailed, UsageError } from './errors.js';
import { processIO, type CliIO } from './io.js';

export function buildProgram(io: CliIO): Command {
  const program = new Command('pipeline')
    .description('A declarative, event-driven DAG engine for batch data pipelines')
    .option('-f, --file <path>', 'the spec (default: ./pipeline.yaml or $PIPELINE_SPEC)')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} })
    .exitOverride();
  for (const register of COMMANDS) register(program, io);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} });
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      const sub = program.commands.find((c) => argv.includes(c.name()));
      io.err(`pipeline: ${e.message.replace(/^error: /, '')} — usage: ${(sub ? `pipeline ${sub.name()} ${sub.usage()}` : `pipeline ${program.usage()}`).trim()}`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`pipeline: ${e.message}${e.usage ? ` — expected ${e.usage}` : ''}`);
      return 2;
    }
    if (e instanceof CommandFailed) {
      if (e.message) io.err(`pipeline: ${e.message}`);
      return e.exitCode;
    }
    // An engine bug, not a user mistake: say so, with the stack for the report.
    io.err(`pipeline: internal error: ${(e as Error).stack ?? String(e)}`);
    return 70;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
