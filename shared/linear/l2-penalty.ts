import type { FloatArray } from './types.js';

/**
 * L2 penalty lambda * sum(W^2), without a factor 1/2, so its gradient is 2 * lambda * W.
 * The bias is not penalized.
 */
export function l2Penalty(weights: FloatArray, strength: number): number {
  if (strength === 0) {
    return 0;
  }
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i] * weights[i];
  }
  return strength * sum;
}

/** Adds the gradient of {@link l2Penalty}, 2 * lambda * W, to `grad`. */
export function addL2Gradient(weights: FloatArray, strength: number, grad: Float64Array): void {
  if (strength === 0) {
    return;
  }
  const factor = 2 * strength;
  for (let i = 0; i < weights.length; i++) {
    grad[i] += factor * weights[i];
  }
}
