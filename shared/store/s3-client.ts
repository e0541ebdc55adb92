import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Options for {@link createS3Client}. */
export interface S3ClientOptions {
  /**
   * An S3-compatible endpoint such as the local stack's server.
   * @default process.env.S3_ENDPOINT, or the AWS endpoint of the region when unset
   */
  readonly endpoint?: string;
  /** @default process.env.AWS_REGION, or 'us-east-1' */
  readonly region?: string;
}

/**
 * Creates the S3 client that every handler and the CLI use.
 *
 * With a custom endpoint the client uses path-style addressing and sends checksums only
 * when an operation requires them, because S3-compatible servers (the local one among
 * them) accept neither virtual-hosted bucket names nor the newer default checksums.
 * Without AWS credentials in the environment, a local endpoint gets s3rver's default
 * credentials (`S3RVER`/`S3RVER`), which the local server verifies signatures against.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const endpoint = options.endpoint ?? process.env.S3_ENDPOINT;
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const config: S3ClientConfig = { region };

  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
    if (!process.env.AWS_ACCESS_KEY_ID) {
      config.credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    }
  }

  const client = new S3Client(config);
  if (endpoint) {
    client.middlewareStack.add(
      (next) => async (args) => {
        stripBucketRootSlash(args.request as { path?: unknown });
        return next(args);
      },
      { step: 'build', name: 'vggProbeStripBucketRootSlash' },
    );
  }
  return client;
}

/**
 * Sends bucket-level requests (listings) to `/<bucket>` instead of `/<bucket>/` on custom
 * endpoints. The SDK signs the path it sends, and s3rver 4 (the local server) computes the
 * signature over `/<bucket>` whatever the path, so listings failed with
 * SignatureDoesNotMatch. Both S3 and s3rver route `/<bucket>` to the bucket.
 */
function stripBucketRootSlash(request: { path?: unknown }): void {
  if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) {
    request.path = request.path.slice(0, -1);
  }
}
