import { LinearProbeError } from './errors.js';
import type { FloatArray } from './types.js';

/** Rows of a feature matrix to visit in a given order, without copying them. */
export interface RowView {
  readonly features: FloatArray;
  readonly labels: Int32Array;
  readonly ids: readonly string[];
  /** Row indices into `features`, `labels` and `ids`, in visiting order. */
  readonly rows: Int32Array;
  readonly dim: number;
}

/** Returns the row indices 0 .. count-1. */
export function identityRows(count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    rows[i] = i;
  }
  return rows;
}

/**
 * Raises the error for a row whose scores are not finite: NON_FINITE_FEATURE when the row
 * contains a NaN or infinite value, TRAINING_DIVERGED when the weights grew too large.
 */
export function raiseNonFiniteScore(view: RowView, row: number): never {
  const offset = row * view.dim;
  for (let j = 0; j < view.dim; j++) {
    const value = view.features[offset + j];
    if (!Number.isFinite(value)) {
      throw nonFiniteFeatureError(view.ids[row], j, value);
    }
  }
  throw new LinearProbeError(
    'TRAINING_DIVERGED',
    `Training diverged: the scores of sample '${view.ids[row]}' are not finite although its ` +
      'features are. Lower the learning rate (for example by a factor of 10) and train again.',
    { id: view.ids[row] },
  );
}

/** Builds the error for a NaN or infinite feature value. */
export function nonFiniteFeatureError(id: string | undefined, index: number, value: number): LinearProbeError {
  return new LinearProbeError(
    'NON_FINITE_FEATURE',
    `Feature ${index} of sample '${id ?? '?'}' is ${value}; every feature value must be a ` +
      'finite number. Extract the features of this sample again or remove it from the data set.',
    { id, index, value },
  );
}
