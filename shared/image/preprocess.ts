/**
 * Mapping of pixel values before the backbone, named as in Keras applications:
 * - `caffe`: RGB to BGR, then subtract the ImageNet channel means, no scaling (VGG16, ResNet50).
 * - `tf`: scale to [-1, 1] as x / 127.5 - 1, channels stay RGB (MobileNet, Inception).
 */
export type PreprocessingMode = 'caffe' | 'tf';

export const PREPROCESSING_MODES: readonly PreprocessingMode[] = ['caffe', 'tf'];

/** ImageNet channel means in BGR order, as `keras.applications.imagenet_utils` subtracts them. */
export const IMAGENET_BGR_MEANS = [103.939, 116.779, 123.68] as const;

/**
 * Converts interleaved 8-bit RGB pixels into the float32 network input.
 * The output has the same length and layout (height, width, channel).
 */
export function preprocessPixels(rgb: Uint8Array, mode: PreprocessingMode): Float32Array {
  if (rgb.length % 3 !== 0) {
    throw new RangeError(`pixel buffer length ${rgb.length} is not a multiple of 3 (RGB)`);
  }

  const out = new Float32Array(rgb.length);
  if (mode === 'caffe') {
    const [meanB, meanG, meanR] = IMAGENET_BGR_MEANS;
    for (let i = 0; i < rgb.length; i += 3) {
      out[i] = rgb[i + 2] - meanB;
      out[i + 1] = rgb[i + 1] - meanG;
      out[i + 2] = rgb[i] - meanR;
    }
  } else if (mode === 'tf') {
    for (let i = 0; i < rgb.length; i++) {
      out[i] = rgb[i] / 127.5 - 1;
    }
  } else {
    throw new RangeError(`unknown preprocessing mode '${String(mode)}', expected caffe or tf`);
  }
  return out;
}
