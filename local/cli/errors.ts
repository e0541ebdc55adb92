/** An error the CLI reports as one message with the next step, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    /** The next step for the user. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
