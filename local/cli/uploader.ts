import { readFile } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IMAGES_PREFIX } from '../../shared/store/keys.js';
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
  /** @default `images/<label>/<path below the label folder>` */
  readonly keyOf?: (image: LabelledImage) => string;
}

/** Counts, keys and duration of an upload. */
export interface UploadSummary {
  readonly uploaded: number;
  readonly bytes: number;
  readonly keys: readonly string[];
  readonly durationMs: number;
}

/** Returns the bucket key of an image: `images/<label>/<path below the label folder>`. */
export function imageKeyOf(image: LabelledImage): string {
  return `${IMAGES_PREFIX}${image.label}/${image.relativePath}`;
}

/** Uploads images to the bucket, several at a time, with a progress bar. */
export async function uploadImages(
  images: readonly LabelledImage[],
  options: UploadOptions,
): Promise<UploadSummary> {
  const started = Date.now();
  const keyOf = options.keyOf ?? imageKeyOf;
  options.progress.start(images.length, 'upload');

  const keys = await mapWithConcurrency(images, options.concurrency ?? 8, async (image) => {
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

  options.progress.stop();
  return {
    uploaded: keys.length,
    bytes: images.reduce((sum, image) => sum + image.size, 0),
    keys,
    durationMs: Date.now() - started,
  };
}
