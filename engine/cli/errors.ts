// CLI error kinds and their exit codes: 1 = the command ran and found problems (invalid spec, failed
// runs); 2 = the arguments were wrong (one line with the accepted form, never a stack trace).

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

/** The command ran and reports failure; its output has already been printed. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
  constructor(message = '', readonly exitCode = 1) {
    super(message);
  }
}
