import type { GradientAccumulator, KernelScratch } from './batch-gradient.js';
import type { EffectiveWeights } from './effective-weights.js';
import { finishRow } from './row-loss.js';
import type { RowView } from './row-view.js';
import { GROUP_ROWS, type SimdKernels } from './simd-kernels.js';
import type { SampleLoss } from './softmax-loss.js';

/**
 * Adds the loss and gradient sums of `view.rows[start .. end)` to `acc` with the SIMD
 * kernels. Each group of 4 rows is copied into the kernels' staging slots, scored, passed
 * through the loss in float64, and, unless all 4 score gradients are zero, added to the
 * float32 gradient sums while the rows are still in cache. A last group of fewer than 4
 * rows is padded with zero rows. The float32 sums are added to `acc` once per call.
 *
 * Products and sums within a call are float32, as in float32 BLAS routines: the scores
 * and gradient sums differ from the float64 loops by a relative error of about 1e-6.
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
  const numClasses = effective.numClasses;
  const weightRows = numClasses - 1;

  kernels.loadWeights(effective);
  kernels.clearSums();

  for (let first = start; first < end; first += GROUP_ROWS) {
    const count = Math.min(GROUP_ROWS, end - first);
    for (let slot = 0; slot < GROUP_ROWS; slot++) {
      if (slot < count) {
        kernels.stageRow(slot, features, rows[first + slot] * dim);
      } else {
        kernels.clearRow(slot);
      }
    }
    kernels.scoreStaged();

    let active = 0;
    for (let slot = 0; slot < count; slot++) {
      for (let k = 0; k < weightRows; k++) {
        scratch.scores[slot * numClasses + k] = kernels.scores[slot * weightRows + k];
      }
      active += finishRow(view, first + slot, slot * numClasses, effective, loss, acc, scratch);
    }
    if (active > 0) {
      copyGroupGrads(scratch.grads, kernels.grads, count, numClasses);
      kernels.accumulateStaged();
    }
  }

  kernels.addSumsTo(acc.rawWeights);
  acc.rowCount += end - start;
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
