import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import type { LabelledImage } from './image-folders.js';
import { createProgress } from './progress.js';
import { imageKeyOf, uploadImages } from './uploader.js';

const image = (label: string, relativePath: string, split?: 'train' | 'valid'): LabelledImage => ({
  label,
  file: `/photos/${label}/${relativePath}`,
  relativePath,
  format: 'jpeg',
  size: 3,
  split,
});

describe('imageKeyOf', () => {
  it('maps the label layout to images/<label>/<path>', () => {
    expect(imageKeyOf(image('cats', 'a/1.jpg'))).toBe('images/cats/a/1.jpg');
  });

  it('keeps the split folder in the key', () => {
    expect(imageKeyOf(image('cats', '1.jpg', 'train'))).toBe('images/cats/train/1.jpg');
    expect(imageKeyOf(image('cats', '1.jpg', 'valid'))).toBe('images/cats/valid/1.jpg');
  });
});

describe('uploadImages', () => {
  let dir: string;
  let images: LabelledImage[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgg-probe-upload-'));
    images = [];
    for (const name of ['1.jpg', '2.jpg', '3.jpg']) {
      await writeFile(join(dir, name), 'abc');
      images.push({ ...image('cats', name), file: join(dir, name) });
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops starting uploads on Ctrl-C', async () => {
    const sentKeys: string[] = [];
    const s3 = {
      send: async (command: PutObjectCommand) => {
        sentKeys.push(command.input.Key ?? '');
        // Ctrl-C arrives while the first upload is in flight.
        process.emit('SIGINT', 'SIGINT');
        return {};
      },
    } as unknown as S3Client;

    const upload = uploadImages(images, {
      s3,
      bucket: 'bucket',
      progress: createProgress(false),
      concurrency: 1,
    });

    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      'upload interrupted by Ctrl-C after 1 of 3 images',
    );
    expect((error as CliError).exitCode).toBe(130);
    expect(sentKeys).toEqual(['images/cats/1.jpg']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
