/**
 * The resize policy, used for training and prediction alike: ImageNet evaluation style.
 * The shorter side is scaled to 256 and the central 224 x 224 square is kept, so the crop
 * covers the central 224/256 = 87.5% of the shorter side and the aspect ratio is preserved.
 *
 * The crop is computed in source coordinates and applied before the resize. That gives the
 * same region as "resize, then crop" but never builds a huge intermediate image from an
 * extreme aspect ratio such as 1 x 60,000.
 */
export const MODEL_INPUT_SIZE = 224;
export const RESIZE_SHORTER_SIDE = 256;

export interface CropRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Returns the square source region that becomes the 224 x 224 model input. */
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
