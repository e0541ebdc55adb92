import type { GradientAccumulator, KernelScratch } from './batch-gradient.js';
import type { EffectiveWeights } from './effective-weights.js';
import { finishRow } from './row-loss.js';
import type { RowView } from './row-view.js';
import { GROUP_ROWS, type SimdKernels } from './simd-kernels.js';
import type { SampleLoss } from './softmax-loss.js';

/**
 * Adds the loss and gradient sums of `view.rows[start .. end)` to `acc` with the SIMD
 * kernels. Each group of 4 rows is copied into the kernels' staging slots, standardized,
 * scored and passed through the loss in float64. Unless all 4 score gradients are zero,
 * the group is then added to the float32 gradient sums while its rows are still in cache.
 * A last group of fewer than 4 rows is padded with zero rows. The sums are converted back
 * to raw features and added to `acc` in float64 once per call.
 *
 * Products and sums within a call are float32 on standardized features, as in float32
 * BLAS routines. The scores and gradient sums then differ from the float64 loops by about
 * 1e-6 relative, whatever the mean and scale of the raw features.
 */
export function accumulateRowsSimd(
  view: RowView,
  start: number,
  end: number,
  effective: EffectiveWeights,
  loss: SampleLoss,
  acc: GradientAccumulator,
  scratch: KernelScratch,
  kernels: SimdKernels,
): void {
  const features = view.features as Float32Array;
  const { rows, dim } = view;
  const standardization = effective.standardization;
  if (standardization === null) {
    throw new Error('The effective weights have no standardization; call updateEffectiveWeights first.');
  }
  const numClasses = effective.numClasses;
  const weightRows = numClasses - 1;
  const scoreSums = scratch.simdScoreSums;
  scoreSums.fill(0);

  kernels.loadStandardization(standardization);
  kernels.loadWeights(effective.standardizedWeights);
  kernels.clearSums();

  for (let first = start; first < end; first += GROUP_ROWS) {
    const count = Math.min(GROUP_ROWS, end - first);
    stageGroup(kernels, features, rows, first, count, dim);
    kernels.scoreStaged();

    let active = 0;
    for (let slot = 0; slot < count; slot++) {
      for (let k = 0; k < weightRows; k++) {
        scratch.scores[slot * numClasses + k] = kernels.scores[slot * weightRows + k];
      }
      const at = slot * numClasses;
      active += finishRow(view, first + slot, at, numClasses, effective.standardizedBias, loss, acc, scratch);
      for (let k = 0; k < weightRows; k++) {
        scoreSums[k] += scratch.grads[at + k];
      }
    }
    if (active > 0) {
      copyGroupGrads(scratch.grads, kernels.grads, count, numClasses);
      kernels.accumulateStaged();
    }
  }

  kernels.addRawSumsTo(acc.rawWeights, standardization, scoreSums);
  acc.rowCount += end - start;
}

/** Stages and standardizes `count` rows from position `first`, and zeros the other slots. */
function stageGroup(kernels: SimdKernels, features: Float32Array, rows: Int32Array, first: number, count: number, dim: number): void {
  for (let slot = 0; slot < GROUP_ROWS; slot++) {
    if (slot < count) {
      kernels.stageRow(slot, features, rows[first + slot] * dim);
    } else {
      kernels.clearRow(slot);
    }
  }
  kernels.standardizeStaged(count);
}

/** Copies the relative score gradients of `count` rows, and zeros for the padding rows. */
function copyGroupGrads(grads: Float64Array, target: Float32Array, count: number, numClasses: number): void {
  const weightRows = numClasses - 1;
  for (let slot = 0; slot < GROUP_ROWS; slot++) {
    for (let k = 0; k < weightRows; k++) {
      target[slot * weightRows + k] = slot < count ? grads[slot * numClasses + k] : 0;
    }
  }
}
