import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLabelledFolder, splitLabelDifference } from './image-folders.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('readLabelledFolder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgg-probe-folder-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (path: string, content: Buffer | string) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  };

  it('reads one subfolder per label', async () => {
    await file('cats/a.jpg', JPEG);
    await file('cats/nested/b.png', PNG);
    await file('dogs/c.jpg', JPEG);
    const folder = await readLabelledFolder(dir);

    expect(folder.layout).toBe('labels');
    expect(folder.labels).toEqual(['cats', 'dogs']);
    expect(folder.images.map((image) => `${image.label}/${image.relativePath}`)).toEqual([
      'cats/a.jpg',
      'cats/nested/b.png',
      'dogs/c.jpg',
    ]);
  });

  it('reads the train and valid layout', async () => {
    await file('train/cats/a.jpg', JPEG);
    await file('valid/cats/b.jpg', JPEG);
    await file('train/dogs/c.jpg', JPEG);
    const folder = await readLabelledFolder(dir);

    expect(folder.layout).toBe('splits');
    expect(folder.images.map((image) => `${image.split}:${image.label}`)).toEqual([
      'train:cats',
      'train:dogs',
      'valid:cats',
    ]);
  });

  it('skips files that are not images', async () => {
    await file('cats/a.jpg', JPEG);
    await file('cats/notes.jpg', 'text');
    await file('loose.jpg', JPEG);
    await file('cats/.DS_Store', 'x');
    const folder = await readLabelledFolder(dir);

    expect(folder.images).toHaveLength(1);
    expect(folder.skipped.map((skipped) => skipped.reason)).toEqual([
      'not a JPEG, PNG, WebP or GIF image',
      'not inside a label folder',
    ]);
  });

  it('rejects a folder name that is not a label', async () => {
    await file('my cats/a.jpg', JPEG);

    await expect(readLabelledFolder(dir)).rejects.toThrow(/not a valid label/);
  });

  it('rejects a folder without images', async () => {
    await expect(readLabelledFolder(dir)).rejects.toThrow(/no images found/);
  });

  it('counts the files that are not images', async () => {
    await file('cats/notes.txt', 'text');

    await expect(readLabelledFolder(dir)).rejects.toThrow(
      `no images found in ${dir} (1 files that are not images)`,
    );
  });

  it('reports a missing folder as not found', async () => {
    await expect(readLabelledFolder(join(dir, 'missing'))).rejects.toThrow(
      `folder ${join(dir, 'missing')} not found`,
    );
  });

  it('reports a file as not a folder', async () => {
    await file('list.txt', 'text');

    await expect(readLabelledFolder(join(dir, 'list.txt'))).rejects.toThrow(/is not a folder/);
  });
});

describe('splitLabelDifference', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgg-probe-splits-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (path: string) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), JPEG);
  };

  it('names labels found in one split only', async () => {
    await file('train/cats/a.jpg');
    await file('train/dogs/b.jpg');
    await file('valid/cats/c.jpg');
    await file('valid/birds/d.jpg');

    expect(splitLabelDifference(await readLabelledFolder(dir))).toBe(
      'the labels of train/ and valid/ differ (only in train/: dogs; only in valid/: birds)',
    );
  });

  it('accepts matching label sets', async () => {
    await file('train/cats/a.jpg');
    await file('valid/cats/b.jpg');

    expect(splitLabelDifference(await readLabelledFolder(dir))).toBeUndefined();
  });
});
