import type { S3Client } from '@aws-sdk/client-s3';
import {
  createS3Client,
  FeatureStore,
  ModelRegistry,
  readConfig,
  type FeatureSpace,
  type PipelineConfig,
} from '../../shared/store/index.js';

let config: PipelineConfig | undefined;
let client: S3Client | undefined;

/** Reads the configuration from the environment once per process. */
export function pipelineConfig(): PipelineConfig {
  config ??= readConfig();
  return config;
}

/** Returns the S3 client, created once per process so that warm invocations reuse connections. */
export function s3Client(): S3Client {
  client ??= createS3Client({ endpoint: pipelineConfig().s3Endpoint });
  return client;
}

export function featureStore(space: FeatureSpace): FeatureStore {
  return new FeatureStore(s3Client(), pipelineConfig().bucketName, space);
}

export function modelRegistry(): ModelRegistry {
  return new ModelRegistry(s3Client(), pipelineConfig().bucketName);
}

/**
 * Forgets the cached configuration and client, so that tests can point the handlers at
 * another bucket or endpoint.
 */
export function resetRuntime(): void {
  client?.destroy();
  client = undefined;
  config = undefined;
}
