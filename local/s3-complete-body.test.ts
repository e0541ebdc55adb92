import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../shared/store/s3-client.js';
import { startLocalS3, type LocalS3 } from './s3-server.js';

/** Sends a PUT that declares `declaredBytes` but sends only `body`, then disconnects. */
async function abortedPut(url: URL, body: Buffer, declaredBytes: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const put = request(url, {
      method: 'PUT',
      headers: { 'content-length': declaredBytes, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    put.on('error', () => resolve());
    put.write(body, () => setTimeout(() => put.destroy(), 100));
  });
}

describe('local S3 with an interrupted PUT', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  const records: S3EventRecord[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-s3-abort-'));
    s3 = await startLocalS3({
      directory,
      bucket: 'test-bucket',
      onEvent: (record) => records.push(record),
    });
    client = createS3Client({ endpoint: s3.endpoint });
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps the previous object', async () => {
    const key = 'images/cats/kept.jpg';
    const original = Buffer.alloc(1000, 1);
    await client.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: key, Body: original }));
    const eventsBefore = records.length;

    await abortedPut(new URL(`/test-bucket/${key}`, s3.endpoint), Buffer.alloc(400, 2), 1000);
    await sleep(200);

    const stored = await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: key }));
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    expect(bytes.length).toBe(1000);
    expect(bytes.equals(original)).toBe(true);
    expect(records.length).toBe(eventsBefore);
  });

  it('stores nothing for a new key', async () => {
    const key = 'images/cats/never-complete.jpg';
    await abortedPut(new URL(`/test-bucket/${key}`, s3.endpoint), Buffer.alloc(400, 2), 1000);
    await sleep(200);

    await expect(
      client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: key })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('still stores a complete PUT', async () => {
    const key = 'images/dogs/complete.jpg';
    const body = Buffer.alloc(5000, 3);
    await client.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: key, Body: body }));

    const stored = await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: key }));
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    expect(bytes.equals(body)).toBe(true);
  });
});
