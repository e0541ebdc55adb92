/**
 * Cause of a failed image decode. The extraction pipeline writes this code
 * into its error records, so the values are part of the bucket format.
 */
export type ImageDecodeReason =
  | 'empty'
  | 'too-large'
  | 'unsupported-format'
  | 'too-many-pixels'
  | 'truncated'
  | 'corrupt'
  | 'timeout';

export const IMAGE_DECODE_REASONS: readonly ImageDecodeReason[] = [
  'empty',
  'too-large',
  'unsupported-format',
  'too-many-pixels',
  'truncated',
  'corrupt',
  'timeout',
];

/** An image that is not a supported, complete, reasonably sized JPEG, PNG, WebP or GIF. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';

  constructor(
    readonly reason: ImageDecodeReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isImageDecodeError(error: unknown): error is ImageDecodeError {
  return error instanceof ImageDecodeError;
}
