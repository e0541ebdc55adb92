import type { FloatArray } from './types.js';

/**
 * Per-dimension standardization z = (x - mean) / scale. `scale` is the population standard
 * deviation of the training split, or 1 for a constant dimension.
 */
export interface Standardization {
  readonly mean: FloatArray;
  readonly scale: FloatArray;
}

/**
 * Relative standard deviation below which a dimension counts as constant and gets scale 1:
 * std <= max(CONSTANT_DIMENSION_TOLERANCE * |mean|, MIN_FEATURE_SCALE). Float32 features
 * carry about 7 significant digits, so a smaller spread around the mean is rounding noise.
 */
export const CONSTANT_DIMENSION_TOLERANCE = 1e-6;

/**
 * Smallest standard deviation kept as a scale. Features of any magnitude down to it are
 * standardized, and 1 / MIN_FEATURE_SCALE stays far inside the float32 range.
 */
export const MIN_FEATURE_SCALE = 1e-30;

/**
 * Streaming per-dimension mean and variance in float64. Each chunk is reduced on its own
 * and merged by the pairwise update M2 = M2a + M2b + delta^2 * na * nb / n, which avoids
 * the cancellation of a running sum of squares.
 */
export class StandardizationAccumulator {
  readonly dim: number;
  private count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly chunkMean: Float64Array;
  private readonly chunkM2: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
    this.chunkMean = new Float64Array(dim);
    this.chunkM2 = new Float64Array(dim);
  }

  /** Number of rows added so far. */
  get rowCount(): number {
    return this.count;
  }

  /**
   * Adds `rowCount` rows of `features`. Returns the index of the first dimension whose chunk
   * mean is not finite (a NaN or infinite input), or -1.
   */
  add(features: FloatArray, rowCount: number): number {
    if (rowCount === 0) {
      return -1;
    }
    const dim = this.dim;
    const chunkMean = this.chunkMean;
    const chunkM2 = this.chunkM2;

    chunkMean.fill(0);
    for (let i = 0; i < rowCount; i++) {
      const o = i * dim;
      for (let j = 0; j < dim; j++) {
        chunkMean[j] += features[o + j];
      }
    }
    for (let j = 0; j < dim; j++) {
      chunkMean[j] /= rowCount;
      if (!Number.isFinite(chunkMean[j])) {
        return j;
      }
    }

    chunkM2.fill(0);
    for (let i = 0; i < rowCount; i++) {
      const o = i * dim;
      for (let j = 0; j < dim; j++) {
        const d = features[o + j] - chunkMean[j];
        chunkM2[j] += d * d;
      }
    }

    const total = this.count + rowCount;
    const weight = (this.count * rowCount) / total;
    for (let j = 0; j < dim; j++) {
      const delta = chunkMean[j] - this.mean[j];
      this.mean[j] += (delta * rowCount) / total;
      this.m2[j] += chunkM2[j] + delta * delta * weight;
    }
    this.count = total;
    return -1;
  }

  /** Returns the statistics rounded to float32, the precision stored with the model. */
  finish(): Standardization {
    const mean = new Float32Array(this.dim);
    const scale = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) {
      const std = this.count > 0 ? Math.sqrt(this.m2[j] / this.count) : 0;
      mean[j] = this.mean[j];
      const constant = std <= Math.max(CONSTANT_DIMENSION_TOLERANCE * Math.abs(this.mean[j]), MIN_FEATURE_SCALE);
      scale[j] = constant ? 1 : std;
    }
    return { mean, scale };
  }
}

/** Returns the standardization that leaves features unchanged. */
export function identityStandardization(dim: number): Standardization {
  return { mean: new Float32Array(dim), scale: new Float32Array(dim).fill(1) };
}
