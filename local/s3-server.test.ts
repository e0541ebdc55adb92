import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../shared/store/s3-client.js';
import { encodeEventKey, startLocalS3, type LocalS3 } from './s3-server.js';

describe('encodeEventKey', () => {
  it('encodes a space as plus', () => {
    expect(encodeEventKey('images/a b.jpg')).toBe('images/a+b.jpg');
  });

  it('percent-encodes plus, parentheses and unicode', () => {
    expect(encodeEventKey('images/ü/(1)+.jpg')).toBe('images/%C3%BC/%281%29%2B.jpg');
  });

  it('round-trips through form decoding', () => {
    const key = 'images/cats/my cat (1) 100%+é.jpg';
    const decoded = decodeURIComponent(encodeEventKey(key).replace(/\+/g, ' '));
    expect(decoded).toBe(key);
  });
});

describe('startLocalS3', () => {
  let directory: string;
  let s3: LocalS3;
  const records: S3EventRecord[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-s3-'));
    s3 = await startLocalS3({
      directory,
      bucket: 'test-bucket',
      onEvent: (record) => records.push(record),
    });
  });

  afterAll(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('stores and returns an object', async () => {
    const client = createS3Client({ endpoint: s3.endpoint });
    const body = new Uint8Array([0, 1, 2, 255]);
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'images/x/a.bin', Body: body }));

    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'images/x/a.bin' }));
    const bytes = await object.Body!.transformToByteArray();
    expect(Array.from(bytes)).toEqual([0, 1, 2, 255]);
  });

  it('reports a put with an encoded key', async () => {
    const client = createS3Client({ endpoint: s3.endpoint });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'images/x/my cat.jpg', Body: 'x' }));

    const record = records.find((r) => r.s3.object.key === 'images/x/my+cat.jpg');
    expect(record).toBeDefined();
    expect(record!.eventName).toBe('ObjectCreated:Put');
  });
});
