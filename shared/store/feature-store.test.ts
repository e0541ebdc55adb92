import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptObjectError } from './errors.js';
import { FeatureStore } from './feature-store.js';
import { errorKey, featureKey } from './keys.js';
import { startTestBucket, type TestBucket } from './test-bucket.js';

const space = { backboneId: 'vgg16', featureLayer: 'fc2' };
let bucket: TestBucket;
let store: FeatureStore;

beforeAll(async () => {
  bucket = await startTestBucket();
  store = new FeatureStore(bucket.client, bucket.bucket, space);
});

afterAll(async () => {
  await bucket.close();
});

describe('FeatureStore', () => {
  it('round-trips a vector', async () => {
    const vector = Float32Array.from([0, 1.5, -2, 3.25, Number.MIN_VALUE]);
    await store.putFeatures('images/cats/a.jpg', vector, 'etag-1');
    expect(Array.from((await store.getFeatures('images/cats/a.jpg'))!)).toEqual(Array.from(vector));
  });

  it('records the source ETag', async () => {
    await store.putFeatures('images/cats/b.jpg', new Float32Array(4), 'etag-b');
    expect((await store.storedOutputs('images/cats/b.jpg')).featuresEtag).toBe('etag-b');
  });

  it('replaces features with an error record', async () => {
    await store.putFeatures('images/cats/c.jpg', new Float32Array(4), 'v1');
    await store.putError({
      imageKey: 'images/cats/c.jpg',
      sourceEtag: 'v2',
      reason: 'truncated',
      message: 'the JPEG ends early',
      recordedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await store.getFeatures('images/cats/c.jpg')).toBeUndefined();
    const record = await store.getError('images/cats/c.jpg');
    expect(record?.reason).toBe('truncated');
    expect(record?.backboneId).toBe('vgg16');
    expect(await store.storedOutputs('images/cats/c.jpg')).toEqual({
      errorEtag: 'v2',
      errorReason: 'truncated',
    });
  });

  it('replaces an error record with features', async () => {
    await store.putFeatures('images/cats/c.jpg', new Float32Array(4), 'v3');
    expect(await store.getError('images/cats/c.jpg')).toBeUndefined();
  });

  it('deletes both outputs', async () => {
    await store.putFeatures('images/dogs/d.jpg', new Float32Array(4), 'x');
    await store.deleteOutputs('images/dogs/d.jpg');
    expect(await store.storedOutputs('images/dogs/d.jpg')).toEqual({});
  });

  it('lists features with their image keys', async () => {
    await store.putFeatures('images/dogs/with space.jpg', new Float32Array(4), 'y');
    const images = [];
    for await (const entry of store.listFeatures()) images.push(entry.imageKey);
    expect(images).toContain('images/dogs/with space.jpg');
    expect(images).toContain('images/cats/a.jpg');
  });

  it('rejects a vector of the wrong size', async () => {
    const key = featureKey(space, 'images/cats/bad.jpg');
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: new Uint8Array(6) }),
    );
    await expect(store.readFeatureObject(key)).rejects.toThrow(CorruptObjectError);
    await expect(
      store.readFeatureObject(featureKey(space, 'images/cats/a.jpg'), 9),
    ).rejects.toThrow('expected 9');
  });

  it('derives the error key from the image key', () => {
    expect(errorKey(space, 'images/x/y.jpg')).toBe('errors/vgg16/fc2/x/y.jpg.json');
  });
});
