import { axpyRow, axpyRows4, dotRow, dotRows4 } from './dense-kernels.js';
import type { EffectiveWeights } from './effective-weights.js';
import { addL2Gradient } from './l2-penalty.js';
import { finishRow } from './row-loss.js';
import type { RowView } from './row-view.js';
import { SimdKernels } from './simd-kernels.js';
import { accumulateRowsSimd } from './simd-gradient.js';
import type { SampleLoss } from './softmax-loss.js';
import type { Standardization } from './standardization.js';
import type { FloatArray } from './types.js';

/**
 * Sums over the rows of a mini-batch, in raw feature space.
 * For the relative effective weights (K-1 rows) and per-sample score gradients g_i:
 * `rawWeights[k][j]` = sum_i g_i[k] * x_i[j] for k < K-1, `scoreSums[k]` = sum_i g_i[k].
 */
export class GradientAccumulator {
  readonly numClasses: number;
  readonly dim: number;
  readonly rawWeights: Float64Array;
  readonly scoreSums: Float64Array;
  lossSum = 0;
  rowCount = 0;

  constructor(numClasses: number, dim: number) {
    this.numClasses = numClasses;
    this.dim = dim;
    this.rawWeights = new Float64Array((numClasses - 1) * dim);
    this.scoreSums = new Float64Array(numClasses);
  }

  reset(): void {
    this.rawWeights.fill(0);
    this.scoreSums.fill(0);
    this.lossSum = 0;
    this.rowCount = 0;
  }
}

/** Working memory of {@link accumulateRows}, allocated once per run. */
export class KernelScratch {
  readonly scores: Float64Array;
  readonly grads: Float64Array;
  readonly pendingOffsets = new Int32Array(8);
  readonly pendingGrads: Float64Array;
  pendingCount = 0;
  /** Sums of the relative score gradients over one call of the SIMD path. */
  readonly simdScoreSums: Float64Array;
  private readonly numClasses: number;
  private readonly dim: number;
  private simdKernels: SimdKernels | null | undefined;

  constructor(numClasses: number, dim: number) {
    this.numClasses = numClasses;
    this.dim = dim;
    this.scores = new Float64Array(4 * numClasses);
    this.grads = new Float64Array(4 * numClasses);
    this.pendingGrads = new Float64Array(8 * numClasses);
    this.simdScoreSums = new Float64Array(numClasses);
  }

  /**
   * SIMD kernels for float32 features, created on first use, or null where the runtime
   * lacks WebAssembly SIMD.
   */
  get simd(): SimdKernels | null {
    if (this.simdKernels === undefined) {
      this.simdKernels = SimdKernels.create(this.numClasses - 1, this.dim);
    }
    return this.simdKernels;
  }
}

/**
 * Adds the loss and gradient sums of `view.rows[start .. end)` to `acc`.
 *
 * Float32 features go through the WebAssembly SIMD kernels (float32 products and sums
 * on standardized features within the call, see simd-gradient.ts). Float64 features, which
 * only gradient checks use, and runtimes without WebAssembly SIMD take the scalar loops
 * below, with float64 sums.
 *
 * Rows are scored 4 at a time. A group whose 4 rows all have a score gradient (always for
 * softmax) gets its rank-1 updates right after scoring, while its features are in cache.
 * A row with a zero gradient (an SVM sample outside the margin) adds nothing, so in a
 * mixed group the rows with a gradient wait in a queue and are updated 4 at a time.
 */
export function accumulateRows(
  view: RowView,
  start: number,
  end: number,
  effective: EffectiveWeights,
  loss: SampleLoss,
  acc: GradientAccumulator,
  scratch: KernelScratch,
): void {
  if (view.features instanceof Float32Array && effective.standardization !== null) {
    const kernels = scratch.simd;
    if (kernels !== null) {
      accumulateRowsSimd(view, start, end, effective, loss, acc, scratch, kernels);
      return;
    }
  }

  const { features: x, rows, dim } = view;
  const numClasses = effective.numClasses;
  const last = numClasses - 1;
  const scores = scratch.scores;
  scratch.pendingCount = 0;

  let i = start;
  for (; i + 3 < end; i += 4) {
    const o0 = rows[i] * dim;
    const o1 = rows[i + 1] * dim;
    const o2 = rows[i + 2] * dim;
    const o3 = rows[i + 3] * dim;
    for (let k = 0; k < last; k++) {
      dotRows4(x, o0, o1, o2, o3, effective.weights, k * dim, dim, scores, k, numClasses);
    }
    let active = 0;
    for (let r = 0; r < 4; r++) {
      active += finishRow(view, i + r, r * numClasses, numClasses, effective.bias, loss, acc, scratch);
    }
    if (active === 4 && scratch.pendingCount === 0) {
      updateGroup(x, o0, o1, o2, o3, acc, scratch.grads, numClasses, dim, last);
    } else if (active > 0) {
      for (let r = 0; r < 4; r++) {
        queueRow(scratch, rows[i + r] * dim, r * numClasses, last);
      }
      flushGroups(x, acc, scratch, dim, last);
    }
  }

  for (; i < end; i++) {
    const o = rows[i] * dim;
    for (let k = 0; k < last; k++) {
      scores[k] = dotRow(x, o, effective.weights, k * dim, dim);
    }
    if (finishRow(view, i, 0, numClasses, effective.bias, loss, acc, scratch) > 0) {
      queueRow(scratch, o, 0, last);
      flushGroups(x, acc, scratch, dim, last);
    }
  }

  flushSingles(x, acc, scratch, dim, last);
  acc.rowCount += end - start;
}

/** Queues a row for the rank-1 updates when its score gradient at `at` is non-zero. */
function queueRow(scratch: KernelScratch, offset: number, at: number, last: number): void {
  const grads = scratch.grads;
  let active = false;
  for (let k = 0; k < last; k++) {
    active ||= grads[at + k] !== 0;
  }
  if (!active) {
    return;
  }
  const slot = scratch.pendingCount++;
  scratch.pendingOffsets[slot] = offset;
  for (let k = 0; k < last; k++) {
    scratch.pendingGrads[slot * last + k] = grads[at + k];
  }
}

/** Adds the rank-1 updates of one scored group of 4 rows, straight from `grads`. */
function updateGroup(
  x: FloatArray,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  acc: GradientAccumulator,
  grads: Float64Array,
  numClasses: number,
  dim: number,
  last: number,
): void {
  for (let k = 0; k < last; k++) {
    const g0 = grads[k];
    const g1 = grads[numClasses + k];
    const g2 = grads[2 * numClasses + k];
    const g3 = grads[3 * numClasses + k];
    axpyRows4(x, o0, o1, o2, o3, g0, g1, g2, g3, acc.rawWeights, k * dim, dim);
  }
}

function flushGroups(x: FloatArray, acc: GradientAccumulator, scratch: KernelScratch, dim: number, last: number): void {
  const offsets = scratch.pendingOffsets;
  const g = scratch.pendingGrads;

  while (scratch.pendingCount >= 4) {
    for (let k = 0; k < last; k++) {
      const g0 = g[k];
      const g1 = g[last + k];
      const g2 = g[2 * last + k];
      const g3 = g[3 * last + k];
      if (g0 !== 0 || g1 !== 0 || g2 !== 0 || g3 !== 0) {
        axpyRows4(x, offsets[0], offsets[1], offsets[2], offsets[3], g0, g1, g2, g3, acc.rawWeights, k * dim, dim);
      }
    }

    scratch.pendingCount -= 4;
    for (let p = 0; p < scratch.pendingCount; p++) {
      offsets[p] = offsets[p + 4];
      for (let k = 0; k < last; k++) {
        g[p * last + k] = g[(p + 4) * last + k];
      }
    }
  }
}

function flushSingles(x: FloatArray, acc: GradientAccumulator, scratch: KernelScratch, dim: number, last: number): void {
  for (let p = 0; p < scratch.pendingCount; p++) {
    for (let k = 0; k < last; k++) {
      const g = scratch.pendingGrads[p * last + k];
      if (g !== 0) {
        axpyRow(x, scratch.pendingOffsets[p], g, acc.rawWeights, k * dim, dim);
      }
    }
  }
  scratch.pendingCount = 0;
}

/**
 * Writes into `gradWeights` (K x D) and `gradBias` (K) the gradient, with respect to the
 * standardized-space parameters, of mean data loss over `acc.rowCount` rows plus
 * lambda * sum(W^2). Uses dL/dW[k][j] = (R[k][j] - mean[j] * S[k]) / scale[j] / n, and for
 * the last class the fact that per-sample score gradients of both losses sum to zero.
 */
export function finishGradient(
  acc: GradientAccumulator,
  weights: FloatArray,
  standardization: Standardization,
  l2Strength: number,
  gradWeights: Float64Array,
  gradBias: Float64Array,
): void {
  const { numClasses, dim } = acc;
  const { mean, scale } = standardization;
  const last = numClasses - 1;
  const inverseCount = acc.rowCount > 0 ? 1 / acc.rowCount : 0;
  const lastRow = last * dim;

  for (let j = 0; j < dim; j++) {
    gradWeights[lastRow + j] = 0;
  }
  for (let k = 0; k < last; k++) {
    const row = k * dim;
    const scoreSum = acc.scoreSums[k];
    for (let j = 0; j < dim; j++) {
      const g = ((acc.rawWeights[row + j] - mean[j] * scoreSum) / scale[j]) * inverseCount;
      gradWeights[row + j] = g;
      gradWeights[lastRow + j] -= g;
    }
  }
  for (let k = 0; k < numClasses; k++) {
    gradBias[k] = acc.scoreSums[k] * inverseCount;
  }

  addL2Gradient(weights, l2Strength, gradWeights);
}
