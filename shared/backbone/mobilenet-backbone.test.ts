// Runs the real ImageNet-pretrained MobileNet v1 (alpha 0.75) from the shared model folder
// beside the repository through the bare-folder and manifest paths. Skipped when absent.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createFeatureExtractor } from './feature-extractor.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const sharedDir = resolve(repoRoot, '..', 'shared');
const modelDir = join(sharedDir, 'models', 'mobilenet_v1_0.75_224');
const dogsDir = join(sharedDir, 'data', 'cats-dogs', 'train', 'dogs');
const available = existsSync(join(modelDir, 'model.json')) && existsSync(dogsDir);

if (!available) {
  console.warn(`skipping MobileNet tests: ${modelDir} or ${dogsDir} is absent`);
}

const DOG_CLASSES = { first: 151, last: 268 };

describe.skipIf(!available)('MobileNet v1 backbone', () => {
  it('infers tf preprocessing and the pooled layer', async () => {
    const extractor = await createFeatureExtractor({ backboneDir: modelDir });

    expect(extractor.manifest.preprocessing).toBe('tf');
    expect(extractor.featureLayer).toBe('global_average_pooling2d_1');
    expect(extractor.dim).toBe(768);
    expect(extractor.untrained).toBe(false);
    extractor.dispose();
  });

  it('loads through a manifest file', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-mobilenet-'));
    const manifestPath = join(scratch, 'backbone.json');
    const manifest = {
      id: 'mobilenet-v1-075',
      inputSize: 224,
      preprocessing: 'tf',
      featureLayer: 'global_average_pooling2d_1',
      untrained: false,
      model: join(modelDir, 'model.json'),
    };
    await writeFile(manifestPath, JSON.stringify(manifest));

    const extractor = await createFeatureExtractor({ manifestPath });
    const features = await extractor.extract(await readFile(join(dogsDir, 'dog-0001.jpg')));

    expect(extractor.backboneId).toBe('mobilenet-v1-075');
    expect(features.length).toBe(768);
    expect(features.every((v) => v >= 0 && v <= 6)).toBe(true);
    extractor.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('ranks dog photos as dog breeds', async () => {
    const extractor = await createFeatureExtractor({ backboneDir: modelDir, featureLayer: 'act_softmax' });
    const files = ['dog-0001.jpg', 'dog-0002.jpg', 'dog-0003.jpg', 'dog-0004.jpg', 'dog-0005.jpg', 'dog-0006.jpg'];
    const results = await extractor.extractBatch(await Promise.all(files.map((f) => readFile(join(dogsDir, f)))));

    const topClasses = results.map((probabilities) => {
      const p = probabilities as Float32Array;
      return p.indexOf(Math.max(...p));
    });
    const dogs = topClasses.filter((c) => c >= DOG_CLASSES.first && c <= DOG_CLASSES.last);

    // Measured: all 6 photos rank a dog breed first. ImageNet top-1 of this model is about
    // 68%, so the assertion leaves room for one miss.
    expect(dogs.length).toBeGreaterThanOrEqual(5);
    extractor.dispose();
  });
});
