// MobileNet v1 (alpha 0.75) features of the cat and dog photos in the shared folder beside
// the repository, for the real-photo accuracy test and `npm run bench -- accuracy`. The
// features are cached under node_modules/.cache/vgg-probe/, keyed by the image manifest and
// the extraction code, so later runs skip extraction.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { createFeatureExtractor } from '../shared/backbone/index.js';
import type { LabelledVector } from '../shared/linear/index.js';

const repoRoot = resolve(import.meta.dirname, '..');
const sharedDir = resolve(repoRoot, '..', 'shared');
const dataDir = join(sharedDir, 'data', 'cats-dogs');
const modelDir = join(sharedDir, 'models', 'mobilenet_v1_0.75_224');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'vgg-probe');

/** Whether the photos and the MobileNet model exist. When they do not, `missingMessage` names the missing paths. */
export const realPhotosAvailable = existsSync(join(modelDir, 'model.json')) && existsSync(join(dataDir, 'MANIFEST.csv'));
export const missingMessage = `${modelDir} or ${dataDir} is absent`;

interface CachedSplit {
  readonly ids: string[];
  readonly labels: string[];
  readonly dim: number;
}

/** Extracts (or loads from the cache) the features of every image of one split. */
export async function loadSplit(split: 'train' | 'valid'): Promise<LabelledVector[]> {
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
