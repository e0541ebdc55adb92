import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketObjects, normalizeEtag } from './objects.js';
import { startTestBucket, type TestBucket } from './test-bucket.js';

let bucket: TestBucket;
let objects: BucketObjects;

beforeAll(async () => {
  bucket = await startTestBucket();
  objects = new BucketObjects(bucket.client, bucket.bucket);
  for (const key of ['p/a/1', 'p/a/2', 'p/b/c/3', 'p/b0/4', 'p/file', 'q/5']) {
    await objects.putBytes(key, new Uint8Array([1]));
  }
});

afterAll(async () => {
  await bucket.close();
});

describe('BucketObjects', () => {
  it('lists across truncated pages', async () => {
    const keys: string[] = [];
    for await (const item of objects.list('p/', { pageSize: 2 })) keys.push(item.key);
    expect(keys).toEqual(['p/a/1', 'p/a/2', 'p/b/c/3', 'p/b0/4', 'p/file']);
  });

  it('lists folders at any depth', async () => {
    expect(await objects.listFolders('p/')).toEqual(['a', 'b', 'b0']);
  });

  it('returns undefined for a missing key', async () => {
    expect(await objects.head('p/missing')).toBeUndefined();
    expect(await objects.getBytes('p/missing')).toBeUndefined();
  });

  it('strips quotes from ETags', () => {
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag('W/"abc"')).toBe('abc');
  });
});
