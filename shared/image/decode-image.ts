import sharp from 'sharp';

import { DEFAULT_RESIZE_POLICY, MODEL_INPUT_SIZE, resizeRegion, type ResizePolicy } from './center-crop.js';
import { ImageDecodeError, type ImageDecodeReason } from './image-decode-error.js';
import { endsBeforeEndMarker, sniffImageFormat, type ImageFormat } from './image-format.js';

/** Images larger than this many bytes are rejected before decoding (64 MiB). */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Decompression-bomb guard: images with more pixels than 8192 x 8192 (67,108,864) are
 * rejected from their header, before any pixel is decoded.
 */
export const DEFAULT_MAX_INPUT_PIXELS = 8192 * 8192;

/** Wall-clock limit for reading the header and decoding one image. */
export const DEFAULT_DECODE_TIMEOUT_MS = 10_000;

/**
 * Bilinear interpolation, the default of TensorFlow's `tf.image.resize`. On MobileNet
 * features of pet photos it scored as well as or better than sharp's default Lanczos-3.
 */
export const RESIZE_KERNEL = 'linear' as const;

/** Transparent pixels are composited onto white. */
export const FLATTEN_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

export interface DecodeImageOptions {
  /** @default DEFAULT_MAX_INPUT_BYTES */
  readonly maxInputBytes?: number;
  /** @default DEFAULT_MAX_INPUT_PIXELS */
  readonly maxInputPixels?: number;
  /** @default DEFAULT_DECODE_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RESIZE_POLICY */
  readonly resize?: ResizePolicy;
}

/** The source image as stored, with width and height after the EXIF orientation. */
export interface SourceImageInfo {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** An image ready for the backbone: 224 x 224 interleaved 8-bit RGB, rows top to bottom. */
export interface DecodedImage {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly source: SourceImageInfo;
}

/**
 * Decodes a JPEG, PNG, WebP or GIF (first frame) into the 224 x 224 RGB model input.
 *
 * Applies the EXIF orientation, flattens alpha onto FLATTEN_BACKGROUND, converts CMYK,
 * grayscale and 16-bit images to 8-bit sRGB, and crops and resizes as the `ResizePolicy`
 * describes, with bilinear interpolation (RESIZE_KERNEL).
 *
 * @throws ImageDecodeError for every input that cannot be decoded, with the cause in `reason`.
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): Promise<DecodedImage> {
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;

  const format = checkInput(bytes, maxInputBytes);
  const sharpOptions: sharp.SharpOptions = {
    failOn: 'error',
    limitInputPixels: maxInputPixels,
    animated: false,
  };

  // Reading the header needs no pixel limit, and without one the size check below can
  // name the actual size in its message.
  const header = sharp(bytes, { ...sharpOptions, limitInputPixels: false });
  const metadata = await withDeadline(header.metadata(), deadline).catch((error: unknown) => {
    throw refineCorrupt(error, bytes, format);
  });
  const source = orientedSize(format, metadata);
  if (source.width * source.height > maxInputPixels) {
    throw new ImageDecodeError(
      'too-many-pixels',
      `image of ${source.width} x ${source.height} pixels exceeds the limit of ` +
        `${maxInputPixels} pixels; downscale it before uploading`,
    );
  }

  const crop = resizeRegion(source.width, source.height, options.resize ?? DEFAULT_RESIZE_POLICY);
  const pipeline = sharp(bytes, sharpOptions)
    .timeout({ seconds: Math.max(1, Math.ceil(timeoutMs / 1000)) })
    .rotate()
    .flatten({ background: FLATTEN_BACKGROUND })
    .extract(crop)
    .resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill', kernel: RESIZE_KERNEL })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' });
  const { data, info } = await withDeadline(
    pipeline.toBuffer({ resolveWithObject: true }),
    deadline,
  ).catch((error: unknown) => {
    throw refineCorrupt(error, bytes, format);
  });

  const expectedLength = MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3;
  if (info.channels !== 3 || data.length !== expectedLength) {
    throw new ImageDecodeError(
      'corrupt',
      `decoding produced ${info.width} x ${info.height} x ${info.channels} pixels, ` +
        `expected ${MODEL_INPUT_SIZE} x ${MODEL_INPUT_SIZE} x 3`,
    );
  }

  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { pixels, width: MODEL_INPUT_SIZE, height: MODEL_INPUT_SIZE, channels: 3, source };
}

function checkInput(bytes: Uint8Array, maxInputBytes: number): ImageFormat {
  if (bytes.length === 0) {
    throw new ImageDecodeError('empty', 'image is empty (0 bytes)');
  }
  if (bytes.length > maxInputBytes) {
    throw new ImageDecodeError(
      'too-large',
      `image of ${bytes.length} bytes exceeds the limit of ${maxInputBytes} bytes`,
    );
  }

  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    const head = Buffer.from(bytes.subarray(0, 8)).toString('hex');
    throw new ImageDecodeError(
      'unsupported-format',
      `image is not a JPEG, PNG, WebP or GIF (first bytes: ${head})`,
    );
  }
  return format;
}

function orientedSize(format: ImageFormat, metadata: sharp.Metadata): SourceImageInfo {
  const { width, height, orientation } = metadata;
  if (!width || !height) {
    throw new ImageDecodeError('corrupt', `${format} header has no valid width and height`);
  }

  // EXIF orientations 5 to 8 include a 90-degree turn, so width and height swap.
  const turned = orientation !== undefined && orientation >= 5;
  return turned ? { format, width: height, height: width } : { format, width, height };
}

/** Runs a sharp call, maps its failure to an ImageDecodeError and enforces the deadline. */
async function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const remainingMs = Math.max(0, deadline - Date.now());
    timer = setTimeout(() => {
      reject(new ImageDecodeError('timeout', `decoding timed out after ${remainingMs} ms`));
    }, remainingMs);
  });

  try {
    return await Promise.race([work.catch((error: unknown) => Promise.reject(toDecodeError(error))), timeout]);
  } finally {
    clearTimeout(timer);
    // NOTE: libvips cannot be cancelled from here. After a timeout the decode keeps one
    // libuv worker busy until sharp's own timeout (whole seconds) stops it.
    work.catch(() => undefined);
  }
}

const REASON_PATTERNS: ReadonlyArray<readonly [RegExp, ImageDecodeReason]> = [
  [/pixel limit/i, 'too-many-pixels'],
  [/premature end|end of stream|truncat|unexpected end|end of file|EOF/i, 'truncated'],
  [/unsupported image format/i, 'unsupported-format'],
  [/timeout/i, 'timeout'],
];

/**
 * Turns an "Unknown error" failure of a file that stops before its end marker into
 * `truncated`. libvips collects errors in one process-wide buffer, so under concurrent
 * decodes a failure can arrive with its cause lost (seen with sharp 0.34.5 in about one
 * of six decodes of a truncated JPEG run 8 at a time).
 */
function refineCorrupt(error: unknown, bytes: Uint8Array, format: ImageFormat): unknown {
  const causeLost =
    error instanceof ImageDecodeError && error.reason === 'corrupt' && /unknown error/i.test(error.message);
  if (causeLost && endsBeforeEndMarker(bytes, format)) {
    return new ImageDecodeError(
      'truncated',
      `image could not be decoded: the ${format} data ends before its end marker (${error.message})`,
      { cause: error },
    );
  }
  return error;
}

function toDecodeError(error: unknown): ImageDecodeError {
  if (error instanceof ImageDecodeError) {
    return error;
  }

  const message = error instanceof Error ? error.message : String(error);
  const match = REASON_PATTERNS.find(([pattern]) => pattern.test(message));
  const reason = match ? match[1] : 'corrupt';
  return new ImageDecodeError(reason, `image could not be decoded: ${message.trim()}`, {
    cause: error,
  });
}
