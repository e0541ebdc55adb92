/** Machine-readable reason of a {@link LinearProbeError}. */
export type LinearProbeErrorCode =
  | 'EMPTY_TRAINING_SET'
  | 'SINGLE_CLASS'
  | 'TOO_FEW_SAMPLES'
  | 'NON_FINITE_FEATURE'
  | 'DIMENSION_MISMATCH'
  | 'INVALID_BATCH'
  | 'UNKNOWN_LABEL'
  | 'INVALID_LABELS'
  | 'INVALID_HYPERPARAMETER'
  | 'TRAINING_DIVERGED'
  | 'INVALID_STATE'
  | 'ARTIFACT_CORRUPTED'
  | 'ARTIFACT_WRONG_KIND'
  | 'ARTIFACT_UNSUPPORTED_VERSION'
  | 'ARTIFACT_DIMENSION_MISMATCH'
  | 'ARTIFACT_BACKBONE_MISMATCH'
  | 'CHECKPOINT_MISMATCH';

/**
 * Error raised by the linear probe for bad input, bad bytes or a diverged run.
 * The message names the offending value and what to do, and `details` contains the same
 * values for programs.
 */
export class LinearProbeError extends Error {
  readonly code: LinearProbeErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: LinearProbeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LinearProbeError';
    this.code = code;
    this.details = details;
  }
}

/** Checks whether `error` is a {@link LinearProbeError}, optionally with the given code. */
export function isLinearProbeError(
  error: unknown,
  code?: LinearProbeErrorCode,
): error is LinearProbeError {
  return error instanceof LinearProbeError && (code === undefined || error.code === code);
}
