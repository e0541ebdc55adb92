import type { S3Client } from '@aws-sdk/client-s3';
import { decodeFeatureVector, encodeFeatureVector } from './feature-vector.js';
import {
  errorKey,
  errorPrefix,
  featureKey,
  featurePrefix,
  imageKeyOfFeature,
  type FeatureSpace,
} from './keys.js';
import { BucketObjects } from './objects.js';

/** Metadata names on feature vectors and error records (sent as `x-amz-meta-*`). */
export const SOURCE_ETAG_METADATA = 'source-etag';
export const DIM_METADATA = 'dim';
export const REASON_METADATA = 'reason';

/**
 * The error reason for a failure that may succeed on a later attempt (a crash, a timeout,
 * an S3 error). Unlike decoding errors, it does not stop the next attempt on the same
 * image version.
 */
export const RETRYABLE_FAILURE_REASON = 'extraction-failed';

/** The record of an image that produced no feature vector, stored as JSON under `errors/`. */
export interface ExtractionErrorRecord {
  readonly imageKey: string;
  /** The ETag (without quotes) of the image version that failed; empty when unknown. */
  readonly sourceEtag: string;
  /** A short machine-readable code such as `unsupported-format` or `invalid-label`. */
  readonly reason: string;
  readonly message: string;
  readonly backboneId: string;
  readonly featureLayer: string;
  /** ISO 8601 time of the failure. */
  readonly recordedAt: string;
  /** How many deliveries of the upload event were tried before this record was written. */
  readonly attempts?: number;
}

/** The source ETags recorded for one image's outputs. */
export interface StoredOutputs {
  /** The source ETag on the feature vector, when one exists. */
  readonly featuresEtag?: string;
  /** The source ETag on the error record, when one exists. */
  readonly errorEtag?: string;
  /** The reason on the error record, when one exists. */
  readonly errorReason?: string;
}

/** One stored feature vector in a listing. */
export interface FeatureEntry {
  readonly featureKey: string;
  readonly imageKey: string;
  readonly size: number;
}

/**
 * Reads and writes the feature vectors and error records of one feature space
 * (backbone and feature layer).
 */
export class FeatureStore {
  readonly objects: BucketObjects;

  constructor(
    client: S3Client,
    bucket: string,
    readonly space: FeatureSpace,
  ) {
    this.objects = new BucketObjects(client, bucket);
  }

  /** Stores a feature vector with the source image's ETag, and removes a stale error record. */
  async putFeatures(imageKey: string, vector: Float32Array, sourceEtag: string): Promise<string> {
    const key = featureKey(this.space, imageKey);
    await this.objects.putBytes(key, encodeFeatureVector(vector), {
      metadata: { [SOURCE_ETAG_METADATA]: sourceEtag, [DIM_METADATA]: String(vector.length) },
    });
    await this.objects.delete(errorKey(this.space, imageKey));
    return key;
  }

  /** Returns the stored feature vector of an image, or undefined when there is none. */
  async getFeatures(imageKey: string): Promise<Float32Array | undefined> {
    return this.readFeatureObject(featureKey(this.space, imageKey));
  }

  /** Reads a feature vector by its own key. */
  async readFeatureObject(key: string, expectedDim?: number): Promise<Float32Array | undefined> {
    const stored = await this.objects.getBytes(key);
    if (stored === undefined) {
      return undefined;
    }
    return decodeFeatureVector(stored.bytes, key, expectedDim);
  }

  /** Stores an error record, and removes feature vectors of an older image version. */
  async putError(
    record: Omit<ExtractionErrorRecord, 'backboneId' | 'featureLayer'>,
  ): Promise<string> {
    const key = errorKey(this.space, record.imageKey);
    const full: ExtractionErrorRecord = { ...record, ...this.space };
    await this.objects.putJson(key, full, {
      metadata: { [SOURCE_ETAG_METADATA]: record.sourceEtag, [REASON_METADATA]: record.reason },
    });
    await this.objects.delete(featureKey(this.space, record.imageKey));
    return key;
  }

  /** Returns the stored error record of an image, or undefined when there is none. */
  async getError(imageKey: string): Promise<ExtractionErrorRecord | undefined> {
    return this.objects.getJson<ExtractionErrorRecord>(errorKey(this.space, imageKey));
  }

  /** Returns the source ETags recorded on the image's feature vector and error record. */
  async storedOutputs(imageKey: string): Promise<StoredOutputs> {
    const [features, error] = await Promise.all([
      this.objects.head(featureKey(this.space, imageKey)),
      this.objects.head(errorKey(this.space, imageKey)),
    ]);
    return {
      featuresEtag: features?.Metadata?.[SOURCE_ETAG_METADATA],
      errorEtag: error?.Metadata?.[SOURCE_ETAG_METADATA],
      errorReason: error?.Metadata?.[REASON_METADATA],
    };
  }

  /** Deletes the feature vector and error record of an image (after the image was deleted). */
  async deleteOutputs(imageKey: string): Promise<void> {
    await Promise.all([
      this.objects.delete(featureKey(this.space, imageKey)),
      this.objects.delete(errorKey(this.space, imageKey)),
    ]);
  }

  /** Lists every stored feature vector of this feature space. */
  async *listFeatures(): AsyncGenerator<FeatureEntry> {
    for await (const item of this.objects.list(featurePrefix(this.space))) {
      yield {
        featureKey: item.key,
        imageKey: imageKeyOfFeature(this.space, item.key),
        size: item.size,
      };
    }
  }

  /** Lists the keys of every error record of this feature space. */
  async *listErrorKeys(): AsyncGenerator<string> {
    for await (const item of this.objects.list(errorPrefix(this.space))) {
      yield item.key;
    }
  }
}
