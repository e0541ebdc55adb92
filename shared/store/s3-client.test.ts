import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBucket, type TestBucket } from './test-bucket.js';

let bucket: TestBucket;

beforeAll(async () => {
  bucket = await startTestBucket();
});

afterAll(async () => {
  await bucket.close();
});

describe('createS3Client on a local endpoint', () => {
  it('lists a bucket with a prefix', async () => {
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 'a/one.txt', Body: '1' }),
    );
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 'b/two.txt', Body: '2' }),
    );
    const page = await bucket.client.send(
      new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: 'a/' }),
    );
    expect(page.Contents?.map((item) => item.Key)).toEqual(['a/one.txt']);
  });

  it('lists a bucket without a prefix', async () => {
    const page = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket }));
    expect(page.KeyCount).toBe(2);
  });
});
