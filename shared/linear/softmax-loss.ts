/**
 * Per-sample loss on a row of scores. Writes dL/ds for the K classes into
 * `grad[gradOffset .. gradOffset + numClasses)` and returns L.
 */
export type SampleLoss = (
  scores: Float64Array,
  offset: number,
  numClasses: number,
  label: number,
  grad: Float64Array,
  gradOffset: number,
) => number;

/**
 * Softmax cross-entropy, -log(exp(s_y) / sum_j exp(s_j)), computed as
 * log(sum_j exp(s_j - m)) - (s_y - m) with m = max_j s_j. Every exponent is at most 0,
 * so scores of any finite size (1e4 and beyond) give a finite loss and gradient.
 * The gradient is softmax(s) - onehot(y).
 */
export const softmaxCrossEntropy: SampleLoss = (scores, offset, numClasses, label, grad, gradOffset) => {
  let max = -Infinity;
  for (let k = 0; k < numClasses; k++) {
    max = Math.max(max, scores[offset + k]);
  }

  let sum = 0;
  for (let k = 0; k < numClasses; k++) {
    const e = Math.exp(scores[offset + k] - max);
    grad[gradOffset + k] = e;
    sum += e;
  }

  for (let k = 0; k < numClasses; k++) {
    grad[gradOffset + k] /= sum;
  }
  grad[gradOffset + label] -= 1;
  return Math.log(sum) - (scores[offset + label] - max);
};

/**
 * Writes softmax(scores) into `out`, shifted by the maximum score so that large scores
 * do not overflow.
 */
export function softmax(scores: ArrayLike<number>, out: Float64Array = new Float64Array(scores.length)): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < scores.length; k++) {
    max = Math.max(max, scores[k]);
  }

  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    out[k] = Math.exp(scores[k] - max);
    sum += out[k];
  }
  for (let k = 0; k < scores.length; k++) {
    out[k] /= sum;
  }
  return out;
}
