import { InvalidKeyError, InvalidLabelError } from './errors.js';
import { RETRYABLE_FAILURE_REASON, type FeatureStore } from './feature-store.js';
import { IMAGES_PREFIX, isFolderMarker, parseImageKey } from './keys.js';
import { isPreconditionFailed, normalizeEtag } from './objects.js';

/** The part of the feature extractor that syncing needs. */
export interface VectorExtractor {
  extract(imageBytes: Uint8Array): Promise<Float32Array>;
}

/** A failure that retrying cannot fix, such as bytes that are not an image. */
export interface PermanentFailure {
  /** A short code stored in the error record, such as `unsupported-format`. */
  readonly reason: string;
  readonly message: string;
}

/** Options of {@link syncImage}. */
export interface SyncImageOptions {
  /**
   * Classifies an error raised by `extract`: a {@link PermanentFailure} ends as an error
   * record, undefined means the error is transient and is raised to the caller for a retry.
   */
  readonly classifyError: (error: unknown) => PermanentFailure | undefined;
  /** Images larger than this get a `too-large` error record without being downloaded. */
  readonly maxImageBytes: number;
}

/** The outcome of {@link syncImage}. */
export type SyncOutcome =
  | { readonly status: 'extracted'; readonly imageKey: string; readonly timings: SyncTimings }
  | { readonly status: 'unchanged'; readonly imageKey: string }
  | { readonly status: 'deleted'; readonly imageKey: string }
  | {
      readonly status: 'rejected';
      readonly imageKey: string;
      readonly reason: string;
      readonly message: string;
    }
  | { readonly status: 'ignored'; readonly imageKey: string; readonly message: string };

/** Milliseconds spent in each part of an extraction. */
export interface SyncTimings {
  readonly downloadMs: number;
  readonly extractMs: number;
  readonly totalMs: number;
}

/**
 * Brings the stored outputs of one image key in line with the object in the bucket:
 *
 * - a missing image has its feature vector and error record deleted;
 * - an image whose ETag matches the stored feature vector, or a permanent error record,
 *   is left alone, so repeated events do no work;
 * - otherwise the image is downloaded (pinned to the ETag it was checked at), extracted
 *   and stored, or recorded under `errors/` when the failure is permanent.
 *
 * Transient failures (S3 errors, crashes of the extractor) are raised for the caller to
 * retry. The function is safe to run twice on the same key at the same time. After each
 * write it checks the image again, because an overwrite or a delete may land between the
 * last check and the write, and its own event may have been handled already. When the
 * image changed, the pass runs again, up to {@link MAX_SYNC_PASSES} times.
 */
export async function syncImage(
  store: FeatureStore,
  extractor: VectorExtractor,
  imageKey: string,
  options: SyncImageOptions,
): Promise<SyncOutcome> {
  for (let pass = 1; ; pass += 1) {
    const { outcome, writtenFor } = await syncOnce(store, extractor, imageKey, options);
    if (writtenFor === undefined) {
      return outcome;
    }
    const current = await store.objects.head(imageKey);
    const currentEtag = current === undefined ? null : normalizeEtag(current.ETag);
    if (currentEtag === writtenFor) {
      return outcome;
    }
    if (pass >= MAX_SYNC_PASSES) {
      throw new Error(
        `${imageKey} changed during each of ${pass} extraction passes; its outputs may be stale, so the event is retried`,
      );
    }
  }
}

/** Passes of {@link syncImage} over an image that keeps changing before it gives up. */
export const MAX_SYNC_PASSES = 3;

/**
 * Runs one pass of {@link syncImage}. `writtenFor` is the ETag of the image version whose
 * outputs it wrote, null when it deleted the outputs of a missing image, and undefined
 * when it wrote nothing.
 */
async function syncOnce(
  store: FeatureStore,
  extractor: VectorExtractor,
  imageKey: string,
  options: SyncImageOptions,
): Promise<{ outcome: SyncOutcome; writtenFor?: string | null }> {
  const written = (outcome: SyncOutcome, writtenFor: string | null) => ({ outcome, writtenFor });
  if (!imageKey.startsWith(IMAGES_PREFIX)) {
    return { outcome: { status: 'ignored', imageKey, message: `not under ${IMAGES_PREFIX}` } };
  }
  if (isFolderMarker(imageKey)) {
    return { outcome: { status: 'ignored', imageKey, message: 'folder placeholder object' } };
  }
  const started = performance.now();

  const head = await store.objects.head(imageKey);
  if (head === undefined) {
    await store.deleteOutputs(imageKey);
    return written({ status: 'deleted', imageKey }, null);
  }
  const etag = normalizeEtag(head.ETag);

  const stored = await store.storedOutputs(imageKey);
  if (stored.featuresEtag === etag) {
    return { outcome: { status: 'unchanged', imageKey } };
  }
  if (stored.errorEtag === etag && stored.errorReason !== RETRYABLE_FAILURE_REASON) {
    return { outcome: { status: 'unchanged', imageKey } };
  }

  const keyProblem = checkImageKey(imageKey);
  if (keyProblem) {
    return written(await reject(store, imageKey, etag, keyProblem), etag);
  }
  const size = head.ContentLength ?? 0;
  if (size > options.maxImageBytes) {
    return written(
      await reject(store, imageKey, etag, {
        reason: 'too-large',
        message: `the image has ${size} bytes, more than the limit of ${options.maxImageBytes}; resize it and upload again`,
      }),
      etag,
    );
  }

  const downloadStarted = performance.now();
  let bytes: Uint8Array | undefined;
  try {
    bytes = (await store.objects.getBytes(imageKey, { ifMatch: head.ETag }))?.bytes;
  } catch (error) {
    if (isPreconditionFailed(error)) {
      // The image changed after the HEAD request; the newer version has its own event.
      return { outcome: changedDuringExtraction(imageKey) };
    }
    throw error;
  }
  if (bytes === undefined) {
    await store.deleteOutputs(imageKey);
    return written({ status: 'deleted', imageKey }, null);
  }
  const extractStarted = performance.now();

  let vector: Float32Array;
  try {
    vector = await extractor.extract(bytes);
  } catch (error) {
    const failure = options.classifyError(error);
    if (failure === undefined) {
      throw error;
    }
    return written(await reject(store, imageKey, etag, failure), etag);
  }
  const extractMs = performance.now() - extractStarted;

  // A newer version uploaded during extraction has its own event; writing this vector
  // after that event's vector would leave stale features.
  const current = await store.objects.head(imageKey);
  if (current === undefined || normalizeEtag(current.ETag) !== etag) {
    return { outcome: changedDuringExtraction(imageKey) };
  }
  await store.putFeatures(imageKey, vector, etag);
  const timings = {
    downloadMs: extractStarted - downloadStarted,
    extractMs,
    totalMs: performance.now() - started,
  };
  return written({ status: 'extracted', imageKey, timings }, etag);
}

/**
 * Writes a retryable error record for an image whose extraction kept failing, unless the
 * image is gone or already has features for its current version. Returns the record's
 * reason, or undefined when no record was needed.
 */
export async function recordExtractionFailure(
  store: FeatureStore,
  imageKey: string,
  message: string,
  attempts: number,
): Promise<string | undefined> {
  if (!imageKey.startsWith(IMAGES_PREFIX) || isFolderMarker(imageKey)) {
    return undefined;
  }
  const head = await store.objects.head(imageKey);
  if (head === undefined) {
    await store.deleteOutputs(imageKey);
    return undefined;
  }
  const etag = normalizeEtag(head.ETag);
  const stored = await store.storedOutputs(imageKey);
  if (stored.featuresEtag === etag || stored.errorEtag === etag) {
    return undefined;
  }
  await store.putError({
    imageKey,
    sourceEtag: etag,
    reason: RETRYABLE_FAILURE_REASON,
    message: `${message}; run the backfill state machine to try again`,
    recordedAt: new Date().toISOString(),
    attempts,
  });
  return RETRYABLE_FAILURE_REASON;
}

async function reject(
  store: FeatureStore,
  imageKey: string,
  etag: string,
  failure: PermanentFailure,
): Promise<SyncOutcome> {
  await store.putError({
    imageKey,
    sourceEtag: etag,
    reason: failure.reason,
    message: failure.message,
    recordedAt: new Date().toISOString(),
  });
  return { status: 'rejected', imageKey, reason: failure.reason, message: failure.message };
}

function changedDuringExtraction(imageKey: string): SyncOutcome {
  return { status: 'ignored', imageKey, message: 'the image changed during extraction' };
}

function checkImageKey(imageKey: string): PermanentFailure | undefined {
  try {
    parseImageKey(imageKey);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidLabelError) {
      return { reason: 'invalid-label', message: error.message };
    }
    if (error instanceof InvalidKeyError) {
      return { reason: 'invalid-key', message: error.message };
    }
    throw error;
  }
}
