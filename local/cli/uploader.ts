import { readFile } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IMAGES_PREFIX } from '../../shared/store/keys.js';
import { CliError, INTERRUPTED_EXIT_CODE } from './errors.js';
import { contentTypeOf, type LabelledImage } from './image-folders.js';
import type { Progress } from './progress.js';
import { mapWithConcurrency } from './concurrency.js';

/** Options for {@link uploadImages}. */
export interface UploadOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly progress: Progress;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default {@link imageKeyOf} */
  readonly keyOf?: (image: LabelledImage) => string;
}

/** Counts, keys and duration of an upload. */
export interface UploadSummary {
  readonly uploaded: number;
  readonly bytes: number;
  readonly keys: readonly string[];
  readonly durationMs: number;
}

/**
 * Returns the bucket key of an image: `images/<label>/<path below the label folder>`, or
 * `images/<label>/<train|valid>/<path>` in the split layout. Keeping the split folder in
 * the key lets training with `--split folder` use it, and keeps `train/cats/1.jpg` and
 * `valid/cats/1.jpg` apart.
 */
export function imageKeyOf(image: LabelledImage): string {
  const split = image.split ? `${image.split}/` : '';
  return `${IMAGES_PREFIX}${image.label}/${split}${image.relativePath}`;
}

/**
 * Uploads images to the bucket, several at a time, with a progress bar. On Ctrl-C (SIGINT)
 * it starts no further upload, lets the ones in flight finish and raises a
 * {@link CliError} with exit code 130. A second Ctrl-C exits at once.
 */
export async function uploadImages(
  images: readonly LabelledImage[],
  options: UploadOptions,
): Promise<UploadSummary> {
  const started = Date.now();
  const keyOf = options.keyOf ?? imageKeyOf;
  options.progress.start(images.length, 'upload');
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.once('SIGINT', onInterrupt);

  let results: (string | undefined)[];
  try {
    results = await mapWithConcurrency(images, options.concurrency ?? 8, async (image) => {
      if (interrupted) {
        return undefined;
      }
      const key = keyOf(image);
      await options.s3.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: await readFile(image.file),
          ContentType: contentTypeOf(image.format),
        }),
      );
      options.progress.increment();
      return key;
    });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    options.progress.stop();
  }

  const keys = results.filter((key): key is string => key !== undefined);
  if (interrupted) {
    throw new CliError(
      `upload interrupted by Ctrl-C after ${keys.length} of ${images.length} images`,
      'Run the same command again to upload the rest.',
      INTERRUPTED_EXIT_CODE,
    );
  }
  return {
    uploaded: keys.length,
    bytes: images.reduce((sum, image) => sum + image.size, 0),
    keys,
    durationMs: Date.now() - started,
  };
}
