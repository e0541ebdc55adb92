/** An error the CLI reports as one message with the next step, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    /** The next step for the user. */
    readonly hint?: string,
    /** The exit code of the CLI, 130 for an interruption by Ctrl-C as shells report it. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;
