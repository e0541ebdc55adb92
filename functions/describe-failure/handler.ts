import type { Context } from 'aws-lambda';
import { createObservability, instrument } from '../common/observability.js';

const observability = createObservability('describe-failure');
const { logger } = observability;

/** The `Error` and `Cause` that a Catch passes on. */
export interface DescribeFailureEvent {
  readonly error?: string;
  readonly cause?: string;
}

export interface DescribeFailureResult {
  readonly error: string;
  readonly cause: string;
}

/** Step Functions limits a Fail state's cause to 32,768 characters. */
const MAX_CAUSE_LENGTH = 32_000;

/** Explanations of the errors that Step Functions and Lambda raise themselves. */
const PLATFORM_ERRORS: Record<string, string> = {
  'States.Timeout': 'a step ran longer than its timeout',
  'Sandbox.Timedout': 'a Lambda function ran longer than its timeout',
  'Lambda.Unknown': 'a Lambda function crashed, often because it ran out of memory',
  'Runtime.OutOfMemory': 'a Lambda function ran out of memory',
  'States.DataLimitExceeded': 'a state payload exceeded 256 KiB',
};

/**
 * Turns the error of a failed step into a readable cause for the Fail state: the error
 * message of a Lambda failure (not its JSON with a stack trace), or an explanation of a
 * Step Functions or Lambda platform error.
 */
export const handler = instrument(
  observability,
  async (event: DescribeFailureEvent, _context: Context): Promise<DescribeFailureResult> => {
    const error = event.error || 'TrainingFailed';
    const parsed = parseLambdaCause(event.cause);
    const explanation = PLATFORM_ERRORS[error] ?? PLATFORM_ERRORS[parsed.errorType ?? ''];
    const message = parsed.errorMessage ?? event.cause ?? 'no cause was reported';
    const cause = explanation ? `${explanation}: ${message}; see the function's logs` : message;
    logger.error('training failed', { error, cause });
    return {
      error: parsed.errorType && error === 'States.TaskFailed' ? parsed.errorType : error,
      cause: cause.slice(0, MAX_CAUSE_LENGTH),
    };
  },
);

/** Lambda reports failures as JSON `{"errorType", "errorMessage", "trace"}`; the local stack as text. */
function parseLambdaCause(cause: string | undefined): {
  errorType?: string;
  errorMessage?: string;
} {
  if (!cause?.trimStart().startsWith('{')) {
    return {};
  }
  try {
    const value = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    return {
      errorType: typeof value.errorType === 'string' ? value.errorType : undefined,
      errorMessage: typeof value.errorMessage === 'string' ? value.errorMessage : undefined,
    };
  } catch {
    return {};
  }
}
