import type { Standardization } from './standardization.js';
import type { FloatArray } from './types.js';

/**
 * Weights that act on raw feature vectors. The model is W z + b on standardized features
 * z = (x - mean) / scale, which equals V x + c with V[k][j] = W[k][j] / scale[j] and
 * c[k] = b[k] - sum_j V[k][j] * mean[j]. Folding the standardization into V avoids a
 * standardized copy of the features.
 *
 * In the relative form the rows are V[k] - V[K-1] for k < K-1, so a row of scores is
 * known up to a shift, with the last score taken as 0. Both losses and the softmax
 * confidence are unchanged by a shift of all scores, so training needs K-1 dot products
 * per sample in place of K.
 */
export interface EffectiveWeights {
  readonly numClasses: number;
  readonly dim: number;
  readonly relative: boolean;
  /** Number of weight rows: K-1 in the relative form, K otherwise. */
  readonly rowCount: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** The rows before the standardization is folded in: W[k] (or W[k] - W[K-1]), for standardized features. */
  readonly standardizedWeights: Float64Array;
  /** b[k] (or b[k] - b[K-1]), the bias for standardized features. */
  readonly standardizedBias: Float64Array;
  /** The standardization of the last update, or null before the first one. */
  standardization: Standardization | null;
}

/** Allocates effective weights for `numClasses` x `dim` parameters. */
export function createEffectiveWeights(numClasses: number, dim: number, relative: boolean): EffectiveWeights {
  const rowCount = relative ? numClasses - 1 : numClasses;
  return {
    numClasses,
    dim,
    relative,
    rowCount,
    weights: new Float64Array(rowCount * dim),
    bias: new Float64Array(rowCount),
    standardizedWeights: new Float64Array(rowCount * dim),
    standardizedBias: new Float64Array(rowCount),
    standardization: null,
  };
}

/** Computes `out` from the parameters W (K x D, row-major) and b in standardized space. */
export function updateEffectiveWeights(
  weights: FloatArray,
  bias: FloatArray,
  standardization: Standardization,
  out: EffectiveWeights,
): void {
  const { dim, numClasses, rowCount } = out;
  const { mean, scale } = standardization;
  const last = (numClasses - 1) * dim;

  for (let k = 0; k < rowCount; k++) {
    const row = k * dim;
    const b = out.relative ? bias[k] - bias[numClasses - 1] : bias[k];
    let offset = b;
    for (let j = 0; j < dim; j++) {
      const w = out.relative ? weights[row + j] - weights[last + j] : weights[row + j];
      const v = w / scale[j];
      out.standardizedWeights[row + j] = w;
      out.weights[row + j] = v;
      offset -= v * mean[j];
    }
    out.standardizedBias[k] = b;
    out.bias[k] = offset;
  }
  out.standardization = standardization;
}
