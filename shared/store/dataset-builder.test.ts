import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinearProbeTrainer } from '../linear/index.js';
import { buildDataset, datasetManifestKey } from './dataset-builder.js';
import { DatasetError } from './dataset-errors.js';
import { readDatasetManifest } from './dataset-manifest.js';
import { keyHashFraction, splitOf } from './dataset-split.js';
import { FeatureStore } from './feature-store.js';
import { resolveFeatureSpace } from './feature-space.js';
import { openDataset } from './shard-source.js';
import { startTestBucket, type TestBucket } from './test-bucket.js';

const DIM = 8;
let bucket: TestBucket;
let store: FeatureStore;

const CLASS_DIMENSION: Record<string, number> = { cats: 0, dogs: 1, birds: 2, a: 0, b: 1 };

/** Returns a vector with 3 added in its class's dimension and small noise elsewhere. */
function vector(label: string, i: number): Float32Array {
  const v = new Float32Array(DIM);
  for (let j = 0; j < DIM; j++) v[j] = 0.3 * Math.sin(i * 7 + j);
  v[CLASS_DIMENSION[label]] += 3;
  return v;
}

async function addImages(label: string, count: number, folder = ''): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.putFeatures(`images/${label}/${folder}img-${i}.jpg`, vector(label, i), `etag-${i}`);
  }
}

beforeAll(async () => {
  bucket = await startTestBucket();
  store = new FeatureStore(bucket.client, bucket.bucket, { backboneId: 'tiny', featureLayer: 'f' });
});

afterAll(async () => {
  await bucket.close();
});

describe('splitOf', () => {
  it('depends on the key alone', () => {
    const key = 'images/cats/a.jpg';
    expect(splitOf(key, 'hash', 0.2)).toBe(splitOf(key, 'hash', 0.2));
    expect(keyHashFraction(key)).toBeGreaterThanOrEqual(0);
    expect(keyHashFraction(key)).toBeLessThan(1);
  });

  it('holds out about the requested fraction', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `images/c/${i}.jpg`);
    const heldOut = keys.filter((key) => splitOf(key, 'hash', 0.2) === 'validation').length;
    expect(heldOut / keys.length).toBeGreaterThan(0.17);
    expect(heldOut / keys.length).toBeLessThan(0.23);
  });

  it('reads train and valid folders', () => {
    expect(splitOf('images/c/train/a.jpg', 'folder', 0.2)).toBe('train');
    expect(splitOf('images/c/valid/a.jpg', 'folder', 0.2)).toBe('validation');
    expect(splitOf('images/c/other/a.jpg', 'folder', 0.2)).toBeUndefined();
  });
});

describe('buildDataset', () => {
  it('fails without features', async () => {
    await expect(buildDataset(store, { runId: 'r0' })).rejects.toMatchObject({
      name: 'NoFeatureVectors',
    });
  });

  it('fails with a single class', async () => {
    await addImages('cats', 12);
    await expect(buildDataset(store, { runId: 'r1' })).rejects.toMatchObject({
      name: 'SingleClass',
    });
  });

  it('writes shards and a manifest', async () => {
    await addImages('dogs', 12);
    const manifest = await buildDataset(store, { runId: 'r2', shardBytes: 5 * DIM * 4 });
    expect(manifest.labels).toEqual(['cats', 'dogs']);
    expect(manifest.dim).toBe(DIM);
    expect(manifest.train.rows + manifest.validation.rows).toBe(24);
    expect(manifest.train.shards.every((shard) => shard.rows <= 5)).toBe(true);
    expect(manifest.layout).toBe('memory');
    const stored = await readDatasetManifest(store.objects, datasetManifestKey('r2'));
    expect(stored.train.shards.map((s) => s.key)).toEqual(manifest.train.shards.map((s) => s.key));
  });

  it('puts each image in the split of its key hash', async () => {
    const manifest = await readDatasetManifest(store.objects, datasetManifestKey('r2'));
    for (const id of manifest.validation.shards.flatMap((s) => s.ids)) {
      expect(splitOf(id, 'hash', 0.2)).toBe('validation');
    }
    for (const id of manifest.train.shards.flatMap((s) => s.ids)) {
      expect(splitOf(id, 'hash', 0.2)).toBe('train');
    }
  });

  it('keeps a label subset', async () => {
    await addImages('birds', 12);
    const manifest = await buildDataset(store, { runId: 'r3', labels: ['birds', 'dogs'] });
    expect(manifest.labels).toEqual(['birds', 'dogs']);
    expect(manifest.skipped['label-not-selected']).toBe(12);
  });

  it('rejects an unknown label in the subset', async () => {
    await expect(buildDataset(store, { runId: 'r4', labels: ['cats', 'fish'] })).rejects.toThrow(
      DatasetError,
    );
  });

  it('requires a minimum per class', async () => {
    await expect(
      buildDataset(store, { runId: 'r5', minSamplesPerClass: 50 }),
    ).rejects.toMatchObject({
      name: 'TooFewSamples',
    });
  });

  it('splits by folder', async () => {
    const folderStore = new FeatureStore(bucket.client, bucket.bucket, {
      backboneId: 'tiny',
      featureLayer: 'g',
    });
    for (const label of ['a', 'b']) {
      for (let i = 0; i < 4; i++) {
        await folderStore.putFeatures(`images/${label}/train/${i}.jpg`, vector(label, i), 'e');
      }
      await folderStore.putFeatures(`images/${label}/valid/v.jpg`, vector(label, 9), 'e');
    }
    const manifest = await buildDataset(folderStore, { runId: 'r6', splitMode: 'folder' });
    expect(manifest.train.perClass).toEqual({ a: 4, b: 4 });
    expect(manifest.validation.perClass).toEqual({ a: 1, b: 1 });
  });

  it('asks which feature space when there are several', async () => {
    await expect(resolveFeatureSpace(store.objects, {})).rejects.toMatchObject({
      name: 'AmbiguousFeatureSpace',
    });
    expect(await resolveFeatureSpace(store.objects, { featureLayer: 'g' })).toEqual({
      backboneId: 'tiny',
      featureLayer: 'g',
    });
  });
});

describe('openDataset', () => {
  it('returns the same rows in both layouts', async () => {
    const memory = await buildDataset(store, { runId: 'r7', shardBytes: 5 * DIM * 4 });
    const stream = await buildDataset(store, {
      runId: 'r8',
      shardBytes: 5 * DIM * 4,
      maxInMemoryBytes: 0,
    });
    expect(stream.layout).toBe('stream');
    const idsOf = async (manifest: typeof memory) => {
      const ids: string[] = [];
      const { train } = await openDataset(store.objects, manifest);
      for await (const batch of train.batches({ shuffleSeed: 3 })) ids.push(...batch.ids);
      return ids.sort();
    };
    expect(await idsOf(stream)).toEqual(await idsOf(memory));
  });

  it('streams the same chunks for the same seed', async () => {
    const manifest = await readDatasetManifest(store.objects, datasetManifestKey('r8'));
    const { train } = await openDataset(store.objects, manifest);
    const pass = async (seed: number) => {
      const ids: string[] = [];
      for await (const batch of train.batches({ shuffleSeed: seed })) ids.push(batch.ids.join(','));
      return ids;
    };
    expect(await pass(5)).toEqual(await pass(5));
    expect(await pass(5)).not.toEqual(await pass(6));
  });

  it('trains a linear probe from the shards', async () => {
    const manifest = await readDatasetManifest(store.objects, datasetManifestKey('r8'));
    const sources = await openDataset(store.objects, manifest);
    const trainer = new LinearProbeTrainer({ labels: manifest.labels, l2Strength: 1e-4 }, sources);
    await trainer.run();
    expect(trainer.model().validation?.accuracy).toBe(1);
  });
});
