import { buildTestBackbone, type TestBackbone } from '../../shared/backbone/index.js';
import { startTestBucket, type TestBucket } from '../../shared/store/test-bucket.js';
import { resetRuntime } from '../../functions/common/runtime.js';

/** A local bucket and a small seeded VGG16 that the handlers under test use. */
export interface HandlerEnvironment {
  readonly bucket: TestBucket;
  readonly backbone: TestBackbone;
  close(): Promise<void>;
}

/**
 * Starts a local S3 server, builds the small seeded VGG16 (untrained) and points the
 * handlers at both through the environment variables they read in AWS. Metrics are
 * disabled and only errors are logged, to keep the test output readable.
 */
export async function startHandlerEnvironment(): Promise<HandlerEnvironment> {
  const bucket = await startTestBucket('vgg-probe-test');
  const backbone = await buildTestBackbone();
  process.env.BUCKET_NAME = bucket.bucket;
  process.env.S3_ENDPOINT = bucket.s3.endpoint;
  process.env.VGG_PROBE_BACKBONE_DIR = backbone.backboneDir;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
  resetRuntime();
  return {
    bucket,
    backbone,
    close: async () => {
      resetRuntime();
      await bucket.close();
      await backbone.cleanup();
    },
  };
}
