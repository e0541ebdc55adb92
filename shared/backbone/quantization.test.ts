import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { dequantizeInto, quantizeUint8 } from './quantization.js';
import { seededUniform } from './seeded-weights.js';

function randomValues(count: number, low: number, high: number, seed = 7): Float32Array {
  const random = seededUniform(seed);
  return Float32Array.from({ length: count }, () => low + (high - low) * random());
}

describe('quantizeUint8', () => {
  it('round trip stays within half a step', () => {
    const values = randomValues(10_000, -0.3, 0.7);
    const { bytes, quantization } = quantizeUint8(values);
    const restored = new Float32Array(values.length);
    dequantizeInto(bytes, quantization, restored);

    let maxError = 0;
    values.forEach((v, i) => {
      maxError = Math.max(maxError, Math.abs(v - restored[i]));
    });
    expect(maxError).toBeLessThanOrEqual(quantization.scale / 2 + 1e-7);
  });

  it('keeps zero exact when the range spans it', () => {
    const values = Float32Array.from([-0.37, 0, 0.51, 0.2]);
    const { bytes, quantization } = quantizeUint8(values);
    const restored = new Float32Array(4);
    dequantizeInto(bytes, quantization, restored);

    expect(restored[1]).toBe(0);
  });

  it('stores a constant tensor with scale 1', () => {
    const { bytes, quantization } = quantizeUint8(new Float32Array(5).fill(0.25));

    expect(quantization).toEqual({ dtype: 'uint8', min: 0.25, scale: 1 });
    expect([...bytes]).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects NaN', () => {
    expect(() => quantizeUint8(Float32Array.from([1, Number.NaN]))).toThrow(/non-finite/);
  });

  it('dequantizes exactly like tf.io.decodeWeights', async () => {
    await tf.setBackend('cpu');
    const values = randomValues(1_000, -2, 3, 11);
    const { bytes, quantization } = quantizeUint8(values);
    const ours = new Float32Array(values.length);
    dequantizeInto(bytes, quantization, ours);

    const decoded = tf.io.decodeWeights(bytes.slice().buffer, [
      { name: 'w', shape: [values.length], dtype: 'float32', quantization },
    ]);
    const theirs = decoded['w'].dataSync();
    decoded['w'].dispose();

    expect(Array.from(ours)).toEqual(Array.from(theirs));
  });
});
