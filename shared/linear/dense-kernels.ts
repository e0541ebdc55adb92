// Scalar loops of the training hot path, for float64 features (gradient checks) and for
// runtimes without WebAssembly SIMD. Float32 training goes through simd-kernels.ts.
// Each function is small and monomorphic so that V8 keeps it optimized. Dot products over
// 4 rows at once reuse every weight load 4 times and keep 4 independent accumulators,
// which hides the floating-point add latency.
import type { FloatArray } from './types.js';

/**
 * Writes the dot products of 4 rows of `x` (starting at offsets o0..o3) with
 * `w[wo .. wo + dim)` into out[at], out[at + stride], out[at + 2 * stride], out[at + 3 * stride].
 */
export function dotRows4(
  x: FloatArray,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  w: Float64Array,
  wo: number,
  dim: number,
  out: Float64Array,
  at: number,
  stride: number,
): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    const w0 = w[wo + j];
    const w1 = w[wo + j + 1];
    const w2 = w[wo + j + 2];
    const w3 = w[wo + j + 3];
    a0 += w0 * x[o0 + j] + w1 * x[o0 + j + 1] + w2 * x[o0 + j + 2] + w3 * x[o0 + j + 3];
    a1 += w0 * x[o1 + j] + w1 * x[o1 + j + 1] + w2 * x[o1 + j + 2] + w3 * x[o1 + j + 3];
    a2 += w0 * x[o2 + j] + w1 * x[o2 + j + 1] + w2 * x[o2 + j + 2] + w3 * x[o2 + j + 3];
    a3 += w0 * x[o3 + j] + w1 * x[o3 + j + 1] + w2 * x[o3 + j + 2] + w3 * x[o3 + j + 3];
  }
  for (; j < dim; j++) {
    const wj = w[wo + j];
    a0 += wj * x[o0 + j];
    a1 += wj * x[o1 + j];
    a2 += wj * x[o2 + j];
    a3 += wj * x[o3 + j];
  }
  out[at] = a0;
  out[at + stride] = a1;
  out[at + 2 * stride] = a2;
  out[at + 3 * stride] = a3;
}

/** Returns the dot product of the row of `x` at offset `o` with `w[wo .. wo + dim)`. */
export function dotRow(x: FloatArray, o: number, w: Float64Array, wo: number, dim: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    a0 += w[wo + j] * x[o + j];
    a1 += w[wo + j + 1] * x[o + j + 1];
    a2 += w[wo + j + 2] * x[o + j + 2];
    a3 += w[wo + j + 3] * x[o + j + 3];
  }
  for (; j < dim; j++) {
    a0 += w[wo + j] * x[o + j];
  }
  return a0 + a1 + a2 + a3;
}

/** Adds g0 * row0 + g1 * row1 + g2 * row2 + g3 * row3 to `acc[ao .. ao + dim)`. */
export function axpyRows4(
  x: FloatArray,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  g0: number,
  g1: number,
  g2: number,
  g3: number,
  acc: Float64Array,
  ao: number,
  dim: number,
): void {
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    acc[ao + j] += g0 * x[o0 + j] + g1 * x[o1 + j] + g2 * x[o2 + j] + g3 * x[o3 + j];
    acc[ao + j + 1] += g0 * x[o0 + j + 1] + g1 * x[o1 + j + 1] + g2 * x[o2 + j + 1] + g3 * x[o3 + j + 1];
    acc[ao + j + 2] += g0 * x[o0 + j + 2] + g1 * x[o1 + j + 2] + g2 * x[o2 + j + 2] + g3 * x[o3 + j + 2];
    acc[ao + j + 3] += g0 * x[o0 + j + 3] + g1 * x[o1 + j + 3] + g2 * x[o2 + j + 3] + g3 * x[o3 + j + 3];
  }
  for (; j < dim; j++) {
    acc[ao + j] += g0 * x[o0 + j] + g1 * x[o1 + j] + g2 * x[o2 + j] + g3 * x[o3 + j];
  }
}

/** Adds g * row to `acc[ao .. ao + dim)`. */
export function axpyRow(x: FloatArray, o: number, g: number, acc: Float64Array, ao: number, dim: number): void {
  for (let j = 0; j < dim; j++) {
    acc[ao + j] += g * x[o + j];
  }
}
