import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { startLocalS3, type LocalS3 } from '../../local/s3-server.js';
import { createS3Client } from './s3-client.js';

/** A local S3 server with one bucket in a temporary folder, for integration tests. */
export interface TestBucket {
  readonly s3: LocalS3;
  readonly client: S3Client;
  readonly bucket: string;
  /** Every event the server emitted, with keys encoded as S3 encodes them. */
  readonly events: S3EventRecord[];
  close(): Promise<void>;
}

/** Starts a local S3 server on 127.0.0.1 with an empty bucket. */
export async function startTestBucket(bucket = 'test-bucket'): Promise<TestBucket> {
  const directory = await mkdtemp(join(tmpdir(), 'vgg-probe-store-'));
  const events: S3EventRecord[] = [];
  const s3 = await startLocalS3({ directory, bucket, onEvent: (record) => events.push(record) });
  const client = createS3Client({ endpoint: s3.endpoint });
  return {
    s3,
    client,
    bucket,
    events,
    close: async () => {
      client.destroy();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
