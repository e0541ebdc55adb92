import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeatureStore, RETRYABLE_FAILURE_REASON } from './feature-store.js';
import {
  recordExtractionFailure,
  syncImage,
  type SyncImageOptions,
  type VectorExtractor,
} from './image-sync.js';
import { startTestBucket, type TestBucket } from './test-bucket.js';

class UndecodableError extends Error {}

/**
 * Returns [first byte, length] as the vector and counts its calls. Bytes starting with
 * 0xff raise UndecodableError.
 */
class CountingExtractor implements VectorExtractor {
  calls = 0;
  failNext: Error | undefined;

  async extract(bytes: Uint8Array): Promise<Float32Array> {
    this.calls += 1;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    if (bytes[0] === 0xff) throw new UndecodableError('not an image');
    return Float32Array.from([bytes[0], bytes.length]);
  }
}

const options: SyncImageOptions = {
  classifyError: (error) =>
    error instanceof UndecodableError ? { reason: 'corrupt', message: error.message } : undefined,
  maxImageBytes: 1000,
};

let bucket: TestBucket;
let store: FeatureStore;
let extractor: CountingExtractor;

async function put(key: string, bytes: number[]): Promise<void> {
  await bucket.client.send(
    new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: new Uint8Array(bytes) }),
  );
}

beforeAll(async () => {
  bucket = await startTestBucket();
  store = new FeatureStore(bucket.client, bucket.bucket, {
    backboneId: 'test',
    featureLayer: 'l1',
  });
});

beforeEach(() => {
  extractor = new CountingExtractor();
});

afterAll(async () => {
  await bucket.close();
});

describe('syncImage', () => {
  it('extracts a new image', async () => {
    await put('images/cats/a.jpg', [7, 1, 2]);
    const outcome = await syncImage(store, extractor, 'images/cats/a.jpg', options);
    expect(outcome.status).toBe('extracted');
    expect(Array.from((await store.getFeatures('images/cats/a.jpg'))!)).toEqual([7, 3]);
  });

  it('skips an unchanged image', async () => {
    await put('images/cats/b.jpg', [1]);
    await syncImage(store, extractor, 'images/cats/b.jpg', options);
    const second = await syncImage(store, extractor, 'images/cats/b.jpg', options);
    expect(second.status).toBe('unchanged');
    expect(extractor.calls).toBe(1);
  });

  it('extracts an overwritten image again', async () => {
    await put('images/cats/c.jpg', [1]);
    await syncImage(store, extractor, 'images/cats/c.jpg', options);
    await put('images/cats/c.jpg', [2, 2]);
    const outcome = await syncImage(store, extractor, 'images/cats/c.jpg', options);
    expect(outcome.status).toBe('extracted');
    expect(Array.from((await store.getFeatures('images/cats/c.jpg'))!)).toEqual([2, 2]);
  });

  it('deletes features of a deleted image', async () => {
    await put('images/cats/d.jpg', [1]);
    await syncImage(store, extractor, 'images/cats/d.jpg', options);
    await bucket.client.send(
      new DeleteObjectCommand({ Bucket: bucket.bucket, Key: 'images/cats/d.jpg' }),
    );
    const outcome = await syncImage(store, extractor, 'images/cats/d.jpg', options);
    expect(outcome.status).toBe('deleted');
    expect(await store.getFeatures('images/cats/d.jpg')).toBeUndefined();
  });

  it('records an undecodable image once', async () => {
    await put('images/cats/e.jpg', [0xff, 0xd8]);
    const first = await syncImage(store, extractor, 'images/cats/e.jpg', options);
    expect(first).toMatchObject({ status: 'rejected', reason: 'corrupt' });
    expect((await store.getError('images/cats/e.jpg'))?.message).toBe('not an image');
    const second = await syncImage(store, extractor, 'images/cats/e.jpg', options);
    expect(second.status).toBe('unchanged');
    expect(extractor.calls).toBe(1);
  });

  it('rejects an unsafe label without extracting', async () => {
    await put('images/my cats/f.jpg', [1]);
    const outcome = await syncImage(store, extractor, 'images/my cats/f.jpg', options);
    expect(outcome).toMatchObject({ status: 'rejected', reason: 'invalid-label' });
    expect(extractor.calls).toBe(0);
  });

  it('rejects an image above the size limit', async () => {
    await put('images/cats/big.jpg', new Array(1001).fill(1));
    const outcome = await syncImage(store, extractor, 'images/cats/big.jpg', options);
    expect(outcome).toMatchObject({ status: 'rejected', reason: 'too-large' });
  });

  it('raises transient errors', async () => {
    await put('images/cats/g.jpg', [1]);
    extractor.failNext = new Error('out of memory');
    await expect(syncImage(store, extractor, 'images/cats/g.jpg', options)).rejects.toThrow(
      'out of memory',
    );
    expect(await store.storedOutputs('images/cats/g.jpg')).toEqual({});
  });

  it('ignores folder markers', async () => {
    const outcome = await syncImage(store, extractor, 'images/cats/', options);
    expect(outcome.status).toBe('ignored');
  });
});

describe('recordExtractionFailure', () => {
  it('writes a retryable record', async () => {
    await put('images/cats/h.jpg', [1]);
    const reason = await recordExtractionFailure(store, 'images/cats/h.jpg', 'timed out', 3);
    expect(reason).toBe(RETRYABLE_FAILURE_REASON);
    expect((await store.getError('images/cats/h.jpg'))?.attempts).toBe(3);
  });

  it('lets a later sync retry the image', async () => {
    const outcome = await syncImage(store, extractor, 'images/cats/h.jpg', options);
    expect(outcome.status).toBe('extracted');
    expect(await store.getError('images/cats/h.jpg')).toBeUndefined();
  });

  it('writes nothing when features are current', async () => {
    expect(
      await recordExtractionFailure(store, 'images/cats/h.jpg', 'late duplicate', 3),
    ).toBeUndefined();
    expect(await store.getFeatures('images/cats/h.jpg')).toBeDefined();
  });
});

describe('syncImage outside images/', () => {
  it('ignores other prefixes', async () => {
    const outcome = await syncImage(store, new CountingExtractor(), 'features/x/y.f32', options);
    expect(outcome.status).toBe('ignored');
  });
});
