import type { Prng } from './prng.js';

/**
 * Fills a `fanOut` x `fanIn` weight matrix with Xavier/Glorot uniform values,
 * U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)), drawn from `prng` in row-major order.
 */
export function glorotUniform(fanIn: number, fanOut: number, prng: Prng, gain = 1): Float32Array {
  const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
  const weights = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = (2 * prng.nextFloat() - 1) * limit;
  }
  return weights;
}
