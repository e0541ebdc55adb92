// Trains both losses with default hyperparameters on MobileNet v1 (alpha 0.75) features of
// real cat and dog photos from the shared folder beside the repository, and scores the
// validation photos. Skipped when that folder is absent. The features are cached under
// node_modules/.cache/vgg-probe/, keyed by the image manifest and the extraction code, so
// reruns skip extraction.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createFeatureExtractor } from '../backbone/index.js';
import { buildDataset, createInMemorySource, type LabelledVector } from './dataset.js';
import { evaluateModel } from './evaluate.js';
import { trainLinearProbe } from './train-linear-probe.js';
import type { FeatureDataset } from './types.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const sharedDir = resolve(repoRoot, '..', 'shared');
const dataDir = join(sharedDir, 'data', 'cats-dogs');
const modelDir = join(sharedDir, 'models', 'mobilenet_v1_0.75_224');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'vgg-probe');
const available = existsSync(join(modelDir, 'model.json')) && existsSync(join(dataDir, 'MANIFEST.csv'));

if (!available) {
  console.warn(`skipping the real-photo accuracy test: ${modelDir} or ${dataDir} is absent`);
}

interface CachedSplit {
  readonly ids: string[];
  readonly labels: string[];
  readonly dim: number;
}

/** Extracts (or loads from the cache) the features of every image of one split. */
async function loadSplit(split: 'train' | 'valid'): Promise<LabelledVector[]> {
  const key = await cacheKey();
  const base = join(cacheDir, `mobilenet-v1-075-cats-dogs-${split}-${key}`);

  if (!existsSync(`${base}.json`) || !existsSync(`${base}.f32`)) {
    await extractSplit(split, base);
  }
  const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as CachedSplit;
  const bytes = await readFile(`${base}.f32`);
  const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return meta.ids.map((id, i) => ({
    id,
    label: meta.labels[i],
    features: features.subarray(i * meta.dim, (i + 1) * meta.dim),
  }));
}

/** Hashes the image manifest, the model folder and the extraction code, so a change of any re-extracts. */
async function cacheKey(): Promise<string> {
  const hash = createHash('sha256').update(await readFile(join(dataDir, 'MANIFEST.csv'))).update(modelDir);
  for (const folder of ['backbone', 'image']) {
    const files = (await readdir(join(repoRoot, 'shared', folder))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of files.sort()) {
      hash.update(file).update(await readFile(join(repoRoot, 'shared', folder, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function extractSplit(split: 'train' | 'valid', base: string): Promise<void> {
  const extractor = await createFeatureExtractor({ backboneDir: modelDir });
  const ids: string[] = [];
  const labels: string[] = [];
  const vectors: Float32Array[] = [];

  for (const label of (await readdir(join(dataDir, split))).sort()) {
    const files = (await readdir(join(dataDir, split, label))).sort();
    for (let start = 0; start < files.length; start += 16) {
      const names = files.slice(start, start + 16);
      const images = await Promise.all(names.map((name) => readFile(join(dataDir, split, label, name))));
      const results = await extractor.extractBatch(images);
      results.forEach((result, i) => {
        if (!(result instanceof Float32Array)) {
          throw result;
        }
        ids.push(`${split}/${label}/${names[i]}`);
        labels.push(label);
        vectors.push(result);
      });
    }
  }

  const dim = extractor.dim;
  extractor.dispose();
  const features = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, i) => features.set(vector, i * dim));
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${base}.f32`, features);
  await writeFile(`${base}.json`, JSON.stringify({ ids, labels, dim } satisfies CachedSplit));
}

describe.skipIf(!available)('accuracy on real photos', () => {
  let data: { train: FeatureDataset; valid: FeatureDataset; labels: string[] } | undefined;

  async function features() {
    if (data === undefined) {
      const train = buildDataset(await loadSplit('train'));
      const valid = buildDataset(await loadSplit('valid'), { labels: train.labels });
      data = { train: train.dataset, valid: valid.dataset, labels: train.labels };
    }
    return data;
  }

  // For comparison: scikit-learn 1.2.1 LogisticRegressionCV (5-fold) reaches 98.0% on the
  // standardized features of the same photos and 98.5% on the raw ones.
  for (const loss of ['softmax', 'svm'] as const) {
    it(`reaches 98% with default hyperparameters: ${loss}`, { timeout: 900_000 }, async () => {
      const { train, valid, labels } = await features();
      const model = await trainLinearProbe({ labels, loss }, { train: createInMemorySource(train) });
      const report = await evaluateModel(model, valid);

      expect(labels).toEqual(['cats', 'dogs']);
      expect(valid.labels.length).toBe(200);
      expect(report.accuracy).toBeGreaterThanOrEqual(0.98);
    });
  }
});
