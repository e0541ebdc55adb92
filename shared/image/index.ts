export {
  centerCropRegion,
  DEFAULT_RESIZE_POLICY,
  MODEL_INPUT_SIZE,
  RESIZE_POLICIES,
  RESIZE_SHORTER_SIDE,
  resizeRegion,
} from './center-crop.js';
export type { ResizePolicy } from './center-crop.js';
export type { CropRegion } from './center-crop.js';
export {
  decodeImage,
  DEFAULT_DECODE_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_INPUT_PIXELS,
  FLATTEN_BACKGROUND,
} from './decode-image.js';
export type { DecodedImage, DecodeImageOptions, SourceImageInfo } from './decode-image.js';
export { IMAGE_DECODE_REASONS, ImageDecodeError, isImageDecodeError } from './image-decode-error.js';
export type { ImageDecodeReason } from './image-decode-error.js';
export { sniffImageFormat } from './image-format.js';
export type { ImageFormat } from './image-format.js';
export { IMAGENET_BGR_MEANS, preprocessPixels, PREPROCESSING_MODES } from './preprocess.js';
export type { PreprocessingMode } from './preprocess.js';
