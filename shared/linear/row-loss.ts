import type { GradientAccumulator, KernelScratch } from './batch-gradient.js';
import { raiseNonFiniteScore, type RowView } from './row-view.js';
import type { SampleLoss } from './softmax-loss.js';

/**
 * Adds `bias` (K-1 relative values) and evaluates the loss of one scored row, leaving its
 * score gradient in `scratch.grads`. Returns 1 when the gradient of a relative row is
 * non-zero, else 0.
 */
export function finishRow(
  view: RowView,
  position: number,
  at: number,
  numClasses: number,
  bias: Float64Array,
  loss: SampleLoss,
  acc: GradientAccumulator,
  scratch: KernelScratch,
): number {
  const last = numClasses - 1;
  const scores = scratch.scores;
  const grads = scratch.grads;
  const row = view.rows[position];

  for (let k = 0; k < last; k++) {
    scores[at + k] += bias[k];
    if (!Number.isFinite(scores[at + k])) {
      raiseNonFiniteScore(view, row);
    }
  }
  scores[at + last] = 0;

  acc.lossSum += loss(scores, at, numClasses, view.labels[row], grads, at);

  let active = 0;
  for (let k = 0; k < numClasses; k++) {
    acc.scoreSums[k] += grads[at + k];
    if (k < last && grads[at + k] !== 0) {
      active = 1;
    }
  }
  return active;
}
