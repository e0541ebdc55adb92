export { readConfig } from './config.js';
export type { PipelineConfig } from './config.js';
export {
  ConfigError,
  CorruptObjectError,
  InvalidKeyError,
  InvalidLabelError,
  ModelNotFoundError,
  NoCurrentModelError,
} from './errors.js';
export {
  DIM_METADATA,
  FeatureStore,
  REASON_METADATA,
  RETRYABLE_FAILURE_REASON,
  SOURCE_ETAG_METADATA,
} from './feature-store.js';
export type { ExtractionErrorRecord, FeatureEntry, StoredOutputs } from './feature-store.js';
export { decodeFeatureVector, encodeFeatureVector } from './feature-vector.js';
export { recordExtractionFailure, syncImage } from './image-sync.js';
export type {
  PermanentFailure,
  SyncImageOptions,
  SyncOutcome,
  SyncTimings,
  VectorExtractor,
} from './image-sync.js';
export * from './keys.js';
export { labelProblem, MAX_LABEL_LENGTH, sanitizeLabel, validateLabel } from './labels.js';
export { ModelRegistry, ModelVersionExistsError, newModelVersion } from './model-registry.js';
export type {
  CurrentModelPointer,
  ModelMetricsDocument,
  ModelVersionSummary,
  PublishedFiles,
} from './model-registry.js';
export { BucketObjects, isNotFound, isPreconditionFailed, normalizeEtag } from './objects.js';
export type { ListedObject, PutOptions, StoredBytes } from './objects.js';
export { createS3Client } from './s3-client.js';
export type { S3ClientOptions } from './s3-client.js';
export { mapConcurrent } from './concurrency.js';
export {
  buildDataset,
  datasetManifestKey,
  MAX_IN_MEMORY_BYTES,
  SHARD_BYTES,
} from './dataset-builder.js';
export type { BuildDatasetOptions } from './dataset-builder.js';
export { DatasetError } from './dataset-errors.js';
export type { DatasetErrorCode } from './dataset-errors.js';
export {
  DATASET_MANIFEST_VERSION,
  readDatasetManifest,
  splitManifest,
} from './dataset-manifest.js';
export type {
  DatasetLayout,
  DatasetManifest,
  ShardEntry,
  SplitManifest,
} from './dataset-manifest.js';
export { keyHashFraction, splitOf } from './dataset-split.js';
export type { SplitMode, SplitName } from './dataset-split.js';
export { decodeShard, encodeShard } from './feature-shards.js';
export type { ShardData } from './feature-shards.js';
export { listFeatureSpaces, resolveFeatureSpace } from './feature-space.js';
export { openDataset, openDatasetLazily, ShardStreamSource } from './shard-source.js';
export type { DatasetSources } from './shard-source.js';
