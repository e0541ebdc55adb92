import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  ERROR_SUFFIX,
  ERRORS_PREFIX,
  FEATURE_SUFFIX,
  FEATURES_PREFIX,
  IMAGES_PREFIX,
} from '../../shared/store/keys.js';
import { CliError } from './errors.js';
import type { Progress } from './progress.js';
import type { StackTarget } from './target.js';

/** Counts of images that ended with features and with error records. */
export interface ExtractionSummary {
  readonly features: number;
  readonly errors: number;
  readonly durationMs: number;
}

/** Options for {@link waitForExtraction}. */
export interface ExtractionWaitOptions {
  /** @default 2000 */
  readonly pollMs?: number;
  /** @default 30 minutes */
  readonly timeoutMs?: number;
}

/**
 * Waits until each image key has a feature vector or an error record, in any feature
 * space, by listing `features/` and `errors/` every few seconds.
 *
 * An image whose content changed counts as done while the vector of its old content still
 * exists. The pipeline replaces that vector shortly after.
 */
export async function waitForExtraction(
  target: Pick<StackTarget, 's3' | 'bucket'>,
  imageKeys: readonly string[],
  progress: Progress,
  options: ExtractionWaitOptions = {},
): Promise<ExtractionSummary> {
  const started = Date.now();
  const pending = new Set(imageKeys.map((key) => key.slice(IMAGES_PREFIX.length)));
  let features = 0;
  let errors = 0;
  progress.start(imageKeys.length, 'extract');

  while (pending.size > 0) {
    if (Date.now() - started > (options.timeoutMs ?? 30 * 60_000)) {
      progress.stop();
      throw new CliError(
        `${pending.size} of ${imageKeys.length} images have neither features nor an error ` +
          `record after ${Math.round((Date.now() - started) / 1000)} s`,
        'Check the extraction logs (local: the stack log file; AWS: the extract function log group).',
      );
    }
    const [featureIds, errorIds] = await Promise.all([
      listImageIds(target.s3, target.bucket, FEATURES_PREFIX, FEATURE_SUFFIX),
      listImageIds(target.s3, target.bucket, ERRORS_PREFIX, ERROR_SUFFIX),
    ]);
    for (const id of [...pending]) {
      if (featureIds.has(id)) {
        features += 1;
        pending.delete(id);
      } else if (errorIds.has(id)) {
        errors += 1;
        pending.delete(id);
      }
    }
    progress.update(imageKeys.length - pending.size);
    if (pending.size > 0) {
      await sleep(options.pollMs ?? 2000);
    }
  }

  progress.stop();
  return { features, errors, durationMs: Date.now() - started };
}

/**
 * Lists `<prefix><backbone>/<layer>/<label>/<path><suffix>` keys and returns the
 * `<label>/<path>` part of each.
 */
async function listImageIds(
  s3: S3Client,
  bucket: string,
  prefix: string,
  suffix: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      if (!key.endsWith(suffix)) {
        continue;
      }
      const parts = key.slice(prefix.length, -suffix.length).split('/');
      ids.add(parts.slice(2).join('/'));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return ids;
}
