export const MODEL_INPUT_SIZE = 224;
export const RESIZE_SHORTER_SIDE = 256;

/**
 * The mapping of a source image onto the 224 x 224 model input. The backbone manifest fixes it, so
 * extraction for training and prediction use the same one.
 * - `direct`: the whole image is resized to 224 x 224, ignoring its aspect ratio, as Keras'
 *   `load_img(path, target_size=(224, 224))` does. The default, because an object that
 *   fills the frame (a pet photo) keeps its edges.
 * - `center-crop`: ImageNet evaluation style. The shorter side is scaled to 256 and the
 *   central 224 x 224 square is kept, so the crop covers the central 224/256 = 87.5% of
 *   the shorter side and the aspect ratio is preserved.
 */
export type ResizePolicy = 'direct' | 'center-crop';

export const RESIZE_POLICIES: readonly ResizePolicy[] = ['direct', 'center-crop'];

export const DEFAULT_RESIZE_POLICY: ResizePolicy = 'direct';

export interface CropRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Returns the source region that the policy resizes to the 224 x 224 model input. */
export function resizeRegion(width: number, height: number, policy: ResizePolicy): CropRegion {
  if (policy === 'center-crop') {
    return centerCropRegion(width, height);
  }
  if (policy !== 'direct') {
    throw new RangeError(`unknown resize policy '${String(policy)}', expected ${RESIZE_POLICIES.join(' or ')}`);
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width} x ${height}`);
  }
  return { left: 0, top: 0, width, height };
}

/**
 * Returns the central square source region of the `center-crop` policy. The crop is
 * computed in source coordinates and applied before the resize. That gives the same region
 * as "resize, then crop" but never builds a huge intermediate image from an extreme aspect
 * ratio such as 1 x 60,000.
 */
export function centerCropRegion(width: number, height: number): CropRegion {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width} x ${height}`);
  }

  const shorterSide = Math.min(width, height);
  const side = Math.max(1, Math.round((shorterSide * MODEL_INPUT_SIZE) / RESIZE_SHORTER_SIDE));

  return {
    left: Math.floor((width - side) / 2),
    top: Math.floor((height - side) / 2),
    width: side,
    height: side,
  };
}
