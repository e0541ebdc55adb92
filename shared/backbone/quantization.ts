/**
 * uint8 affine quantization per tensor, in the layout that the TensorFlow.js converter
 * writes and `tf.io.decodeWeights` reads: `value = q * scale + min` with q in 0..255.
 */
export interface Uint8Quantization {
  readonly dtype: 'uint8';
  readonly min: number;
  readonly scale: number;
}

export interface QuantizedTensor {
  readonly bytes: Uint8Array;
  readonly quantization: Uint8Quantization;
}

const LEVELS = 255;

/**
 * Quantizes one tensor to uint8. When the range spans zero, min is nudged onto the grid
 * so that 0.0 maps to an exact level, as the TensorFlow.js converter does: zero biases and
 * zero padding stay exactly zero. A constant tensor gets scale 1 and all levels 0.
 */
export function quantizeUint8(values: Float32Array): QuantizedTensor {
  const bytes = new Uint8Array(values.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(`cannot quantize a non-finite value (${v}) at index ${i}`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }

  if (values.length === 0 || min === max) {
    return { bytes, quantization: { dtype: 'uint8', min: values.length === 0 ? 0 : min, scale: 1 } };
  }

  const scale = (max - min) / LEVELS;
  if (min < 0 && max > 0) {
    min = -Math.round(-min / scale) * scale;
  }

  for (let i = 0; i < values.length; i++) {
    const level = Math.round((values[i] - min) / scale);
    bytes[i] = Math.min(LEVELS, Math.max(0, level));
  }
  return { bytes, quantization: { dtype: 'uint8', min, scale } };
}

/**
 * Writes `q * scale + min` for every level into `out`, with the same arithmetic as
 * `tf.io.decodeWeights`, so that a model loaded either way contains identical float32 values.
 */
export function dequantizeInto(
  levels: Uint8Array | Uint16Array,
  quantization: { readonly min: number; readonly scale: number },
  out: Float32Array,
): void {
  if (out.length !== levels.length) {
    throw new RangeError(`output length ${out.length} does not match ${levels.length} levels`);
  }
  const { min, scale } = quantization;
  for (let i = 0; i < levels.length; i++) {
    out[i] = levels[i] * scale + min;
  }
}
