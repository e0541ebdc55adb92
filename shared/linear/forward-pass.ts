import { dotRow, dotRows4 } from './dense-kernels.js';
import type { EffectiveWeights } from './effective-weights.js';
import { raiseNonFiniteScore, type RowView } from './row-view.js';
import type { SampleLoss } from './softmax-loss.js';

/**
 * Writes the scores of `view.rows[start .. end)` into `out`, K values per row from
 * `outOffset` on. With relative weights the last class scores 0 and the others are
 * relative to it. Raises on a non-finite score.
 */
export function scoreRows(
  view: RowView,
  start: number,
  end: number,
  effective: EffectiveWeights,
  out: Float64Array,
  outOffset = 0,
): void {
  const { features: x, rows, dim } = view;
  const { numClasses, rowCount } = effective;

  let i = start;
  for (; i + 3 < end; i += 4) {
    const at = outOffset + (i - start) * numClasses;
    const o0 = rows[i] * dim;
    const o1 = rows[i + 1] * dim;
    const o2 = rows[i + 2] * dim;
    const o3 = rows[i + 3] * dim;
    for (let k = 0; k < rowCount; k++) {
      dotRows4(x, o0, o1, o2, o3, effective.weights, k * dim, dim, out, at + k, numClasses);
    }
  }
  for (; i < end; i++) {
    const at = outOffset + (i - start) * numClasses;
    for (let k = 0; k < rowCount; k++) {
      out[at + k] = dotRow(x, rows[i] * dim, effective.weights, k * dim, dim);
    }
  }

  for (let p = start; p < end; p++) {
    const at = outOffset + (p - start) * numClasses;
    for (let k = 0; k < rowCount; k++) {
      out[at + k] += effective.bias[k];
      if (!Number.isFinite(out[at + k])) {
        raiseNonFiniteScore(view, rows[p]);
      }
    }
    if (effective.relative) {
      out[at + numClasses - 1] = 0;
    }
  }
}

/** Returns the index of the highest of K scores from `offset` (the lowest index on a tie). */
export function argmax(scores: Float64Array, offset: number, numClasses: number): number {
  let best = 0;
  for (let k = 1; k < numClasses; k++) {
    if (scores[offset + k] > scores[offset + best]) {
      best = k;
    }
  }
  return best;
}

/** Loss sum and number of correct top-1 predictions over some rows. */
export interface LossTally {
  lossSum: number;
  /** Sum of squared per-sample losses, for the standard error of the mean loss. */
  lossSquares: number;
  correct: number;
  rowCount: number;
}

/** Adds the data loss and the top-1 hits of `view.rows[start .. end)` to `tally`. */
export function tallyLoss(
  view: RowView,
  start: number,
  end: number,
  effective: EffectiveWeights,
  loss: SampleLoss,
  tally: LossTally,
): void {
  const numClasses = effective.numClasses;
  const scores = new Float64Array((end - start) * numClasses);
  const grads = new Float64Array(numClasses);
  scoreRows(view, start, end, effective, scores);

  for (let p = start; p < end; p++) {
    const at = (p - start) * numClasses;
    const label = view.labels[view.rows[p]];
    const sampleLoss = loss(scores, at, numClasses, label, grads, 0);
    tally.lossSum += sampleLoss;
    tally.lossSquares += sampleLoss * sampleLoss;
    if (argmax(scores, at, numClasses) === label) {
      tally.correct++;
    }
  }
  tally.rowCount += end - start;
}
