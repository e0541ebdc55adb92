import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';

/** The part of s3rver's Koa application that the fixes below use. */
interface KoaApplication {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
}

interface KoaContext {
  method: string;
  query: Record<string, unknown>;
  status: number;
  body: unknown;
  params?: { bucket?: string };
}

/**
 * Makes s3rver's notifications closer to S3's for two requests:
 *
 * - CompleteMultipartUpload, which s3rver reports as `ObjectCreated:Post`, is reported as
 *   `ObjectCreated:CompleteMultipartUpload`.
 * - DeleteObjects (a multi-object delete, as `aws s3 rm --recursive` sends), for which
 *   s3rver reports nothing, gets one `ObjectRemoved:Delete` per key it lists as deleted.
 *
 * Installs a middleware just before s3rver's router, so it must run before the server
 * starts. Returns the function that corrects the records s3rver emits.
 */
export function installRequestEventFixes(
  server: unknown,
  emit: (record: S3EventRecord) => void,
): (record: S3EventRecord) => S3EventRecord {
  const app = server as KoaApplication;
  const requests = new AsyncLocalStorage<{ completeMultipart: boolean }>();

  const middleware = async (ctx: KoaContext, next: () => Promise<void>) => {
    const completeMultipart = ctx.method === 'POST' && 'uploadId' in ctx.query;
    await requests.run({ completeMultipart }, next);

    // The router has run but the XML middleware has not, so the body is still an object.
    const deleted = (ctx.body as { DeleteResult?: { Deleted?: { Key: string }[] } } | undefined)
      ?.DeleteResult?.Deleted;
    if (ctx.method === 'POST' && 'delete' in ctx.query && ctx.status === 200 && deleted) {
      for (const { Key } of deleted) {
        emit(removedRecord(ctx.params?.bucket ?? '', Key));
      }
    }
  };
  // The router is the last middleware s3rver installs.
  app.middleware.splice(app.middleware.length - 1, 0, middleware);

  return (record) => {
    if (requests.getStore()?.completeMultipart && record.eventName === 'ObjectCreated:Post') {
      return { ...record, eventName: 'ObjectCreated:CompleteMultipartUpload' };
    }
    return record;
  };
}

/** Builds an `ObjectRemoved:Delete` record shaped like the ones s3rver emits for DeleteObject. */
function removedRecord(bucket: string, key: string): S3EventRecord {
  return {
    eventVersion: '2.0',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: 'ObjectRemoved:Delete',
    userIdentity: { principalId: 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': randomBytes(16).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: 'local' },
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: { key, size: 0, eTag: '', sequencer: Date.now().toString(16).toUpperCase() },
    },
  };
}
