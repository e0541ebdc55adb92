import { accumulateRows, finishGradient, GradientAccumulator, KernelScratch } from './batch-gradient.js';
import { createEffectiveWeights, updateEffectiveWeights } from './effective-weights.js';
import { l2Penalty } from './l2-penalty.js';
import { createSampleLoss, type LossConfig } from './loss.js';
import { identityRows } from './row-view.js';
import type { Standardization } from './standardization.js';
import type { FloatArray } from './types.js';

/** Inputs of {@link computeObjective}: one mini-batch and the parameters to score it with. */
export interface ObjectiveInput {
  /** W, K x D row-major, in standardized feature space. */
  readonly weights: FloatArray;
  /** b, K values. */
  readonly bias: FloatArray;
  /** Rows of `dim` raw feature values. */
  readonly features: FloatArray;
  readonly labels: Int32Array;
  readonly dim: number;
  readonly standardization: Standardization;
  readonly loss: LossConfig;
  readonly l2Strength: number;
}

/** Gradient buffers filled by {@link computeObjective}. */
export interface ObjectiveGradient {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Returns mean data loss + lambda * sum(W^2) over the batch, and writes its gradient into
 * `gradient` when given. It runs the same code path as a training step, so gradient
 * checks on it cover the training math.
 */
export function computeObjective(input: ObjectiveInput, gradient?: ObjectiveGradient): number {
  const numClasses = input.bias.length;
  const rowCount = input.labels.length;
  const effective = createEffectiveWeights(numClasses, input.dim, true);
  updateEffectiveWeights(input.weights, input.bias, input.standardization, effective);

  const acc = new GradientAccumulator(numClasses, input.dim);
  const view = {
    features: input.features,
    labels: input.labels,
    ids: Array.from({ length: rowCount }, (_, i) => String(i)),
    rows: identityRows(rowCount),
    dim: input.dim,
  };
  accumulateRows(view, 0, rowCount, effective, createSampleLoss(input.loss), acc, new KernelScratch(numClasses, input.dim));

  if (gradient !== undefined) {
    finishGradient(acc, input.weights, input.standardization, input.l2Strength, gradient.weights, gradient.bias);
  }
  return acc.lossSum / rowCount + l2Penalty(input.weights, input.l2Strength);
}
