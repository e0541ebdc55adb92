import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelledFolder } from '../cli/image-folders.js';
import { writeSyntheticImages, type SyntheticImageSet } from './synthetic-images.js';

describe('writeSyntheticImages', () => {
  let dir: string;
  let set: SyntheticImageSet;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgg-probe-synthetic-'));
    set = await writeSyntheticImages({ dir, trainPerClass: 4, evalPerClass: 2, seed: 9 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes labelled train and eval folders', async () => {
    const train = await readLabelledFolder(set.trainDir);
    const evaluation = await readLabelledFolder(set.evalDir);

    expect(train.labels).toEqual(['circles', 'squares']);
    expect(train.images).toHaveLength(8);
    expect(evaluation.images).toHaveLength(4);
  });

  it('writes JPEG images of the requested size', async () => {
    const metadata = await sharp(join(set.trainDir, 'circles', 'circles-000.jpg')).metadata();

    expect(metadata.format).toBe('jpeg');
    expect(metadata.width).toBe(128);
  });

  it('colours the classes differently', async () => {
    const mean = async (file: string) => {
      const { channels } = await sharp(await readFile(file)).stats();
      return channels.map((channel) => channel.mean);
    };
    const [red, , blue] = await mean(join(set.trainDir, 'circles', 'circles-000.jpg'));
    const [red2, , blue2] = await mean(join(set.trainDir, 'squares', 'squares-000.jpg'));

    expect(red - blue).toBeGreaterThan(0);
    expect(blue2 - red2).toBeGreaterThan(0);
  });

  it('repeats with the same seed', async () => {
    const again = await writeSyntheticImages({
      dir: join(dir, 'again'),
      trainPerClass: 1,
      evalPerClass: 0,
      seed: 9,
    });
    const first = await readFile(join(set.trainDir, 'circles', 'circles-000.jpg'));
    const second = await readFile(join(again.trainDir, 'circles', 'circles-000.jpg'));

    expect(second.equals(first)).toBe(true);
  });
});
