import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../shared/store/s3-client.js';
import { type LocalS3, startLocalS3 } from './s3-server.js';

describe('local S3 notifications', () => {
  let directory: string;
  let s3: LocalS3;
  const records: S3EventRecord[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-s3-events-'));
    s3 = await startLocalS3({
      directory,
      bucket: 'events',
      onEvent: (record) => records.push(record),
    });
  });

  afterAll(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('reports a completed multipart upload', async () => {
    const client = createS3Client({ endpoint: s3.endpoint });
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'events', Key: 'images/big/one.jpg' }),
    );
    const part = await client.send(
      new UploadPartCommand({
        Bucket: 'events',
        Key: 'images/big/one.jpg',
        UploadId,
        PartNumber: 1,
        Body: 'x',
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'events',
        Key: 'images/big/one.jpg',
        UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );

    const record = records.find((candidate) => candidate.s3.object.key === 'images/big/one.jpg');
    expect(record?.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
  });

  it('reports each key of a multi-object delete', async () => {
    const client = createS3Client({ endpoint: s3.endpoint });
    for (const key of ['images/a/1 2.jpg', 'images/a/3.jpg']) {
      await client.send(new PutObjectCommand({ Bucket: 'events', Key: key, Body: 'x' }));
    }
    await client.send(
      new DeleteObjectsCommand({
        Bucket: 'events',
        Delete: { Objects: [{ Key: 'images/a/1 2.jpg' }, { Key: 'images/a/3.jpg' }] },
      }),
    );

    const removed = records.filter((record) => record.eventName === 'ObjectRemoved:Delete');
    expect(removed.map((record) => record.s3.object.key).sort()).toEqual([
      'images/a/1+2.jpg',
      'images/a/3.jpg',
    ]);
    expect(removed[0].s3.bucket.name).toBe('events');
  });

  it('keeps a plain put as Put', async () => {
    const client = createS3Client({ endpoint: s3.endpoint });
    await client.send(
      new PutObjectCommand({ Bucket: 'events', Key: 'images/a/put.jpg', Body: 'x' }),
    );

    const record = records.find((candidate) => candidate.s3.object.key === 'images/a/put.jpg');
    expect(record?.eventName).toBe('ObjectCreated:Put');
  });
});
