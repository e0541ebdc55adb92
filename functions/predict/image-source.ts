import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/image/index.js';
import { BucketObjects } from '../../shared/store/index.js';
import { HttpError } from '../common/http.js';
import { pipelineConfig, s3Client } from '../common/runtime.js';
import type { PredictRequest } from './request.js';

/** Returns the image bytes of a request, reading them from the bucket for `s3Key`. */
export async function loadImage(
  image: PredictRequest['image'],
): Promise<{ bytes: Uint8Array; imageKey?: string }> {
  if ('bytes' in image) {
    return { bytes: image.bytes };
  }
  const objects = new BucketObjects(s3Client(), pipelineConfig().bucketName);
  const head = await objects.head(image.s3Key);
  if (head === undefined) {
    throw new HttpError(404, `no object ${image.s3Key} in the bucket`);
  }
  if ((head.ContentLength ?? 0) > DEFAULT_MAX_INPUT_BYTES) {
    throw new HttpError(
      413,
      `${image.s3Key} has ${head.ContentLength} bytes, more than ${DEFAULT_MAX_INPUT_BYTES}`,
      {
        limitBytes: DEFAULT_MAX_INPUT_BYTES,
      },
    );
  }
  const stored = await objects.getBytes(image.s3Key);
  if (stored === undefined) {
    throw new HttpError(404, `no object ${image.s3Key} in the bucket`);
  }
  return { bytes: stored.bytes, imageKey: image.s3Key };
}
