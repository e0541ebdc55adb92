/** The error payload that the Lambda Node.js runtime returns when a handler throws. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];
}

/**
 * Converts a thrown value into the payload that Lambda reports for a failed invocation:
 * the error's `name` as `errorType`, its message, and the stack trace lines.
 */
export function toLambdaErrorPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').filter((line) => line.length > 0),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

/** Raised by a local invocation that exceeded the function's configured timeout. */
export class LambdaTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`${functionName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    // The error type Lambda reports for an invocation that ran past the function timeout.
    this.name = 'Sandbox.Timedout';
  }
}
