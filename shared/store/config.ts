import { ConfigError } from './errors.js';

/** The settings a handler reads from its environment. */
export interface PipelineConfig {
  /** The bucket that contains images, features, training runs and models (`BUCKET_NAME`). */
  readonly bucketName: string;
  /**
   * The folder with the backbone weights (`VGG_PROBE_BACKBONE_DIR`); `/opt/backbone` in
   * Lambda. Undefined lets the extractor apply its own default.
   */
  readonly backboneDir?: string;
  /**
   * The feature layer to extract (`VGG_PROBE_FEATURE_LAYER`). Undefined lets the extractor
   * apply the backbone's default layer.
   */
  readonly featureLayer?: string;
  /** An S3-compatible endpoint (`S3_ENDPOINT`), set only by the local stack. */
  readonly s3Endpoint?: string;
}

/**
 * Reads the pipeline configuration from environment variables. Throws
 * {@link ConfigError} when `BUCKET_NAME` is missing.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  const bucketName = env.BUCKET_NAME?.trim();
  if (!bucketName) {
    throw new ConfigError(
      'BUCKET_NAME is not set; the CDK stack sets it on every function, and local runs must export it',
    );
  }
  return {
    bucketName,
    backboneDir: nonEmpty(env.VGG_PROBE_BACKBONE_DIR),
    featureLayer: nonEmpty(env.VGG_PROBE_FEATURE_LAYER),
    s3Endpoint: nonEmpty(env.S3_ENDPOINT),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
