import {
  InMemoryFeatureSource,
  Prng,
  type FeatureBatch,
  type FeatureSource,
  type PassOptions,
} from '../linear/index.js';
import { mapConcurrent } from './concurrency.js';
import type { DatasetManifest, SplitManifest } from './dataset-manifest.js';
import { CorruptObjectError } from './errors.js';
import { decodeShard, type ShardData } from './feature-shards.js';
import type { BucketObjects } from './objects.js';

/** The training and validation sources of a dataset. */
export interface DatasetSources {
  readonly train: FeatureSource;
  readonly validation: FeatureSource;
}

/**
 * Opens a dataset for training. With the `memory` layout every shard is read now into one
 * in-memory source per split; with `stream` the shards are read during each pass.
 */
export async function openDataset(
  objects: BucketObjects,
  manifest: DatasetManifest,
): Promise<DatasetSources> {
  if (manifest.layout === 'memory') {
    const [train, validation] = await Promise.all([
      loadSplit(objects, manifest.train, manifest.dim),
      loadSplit(objects, manifest.validation, manifest.dim),
    ]);
    return { train, validation };
  }
  return {
    train: new ShardStreamSource(objects, manifest.train, manifest.dim),
    validation: new ShardStreamSource(objects, manifest.validation, manifest.dim),
  };
}

/**
 * Opens a dataset without reading any shard, for steps that need only the dimension
 * (resuming a finished trainer to read its model).
 */
export function openDatasetLazily(
  objects: BucketObjects,
  manifest: DatasetManifest,
): DatasetSources {
  return {
    train: new ShardStreamSource(objects, manifest.train, manifest.dim),
    validation: new ShardStreamSource(objects, manifest.validation, manifest.dim),
  };
}

async function loadSplit(
  objects: BucketObjects,
  split: SplitManifest,
  dim: number,
): Promise<InMemoryFeatureSource> {
  const features = new Float32Array(split.rows * dim);
  const labels = new Int32Array(split.rows);
  const offsets: number[] = [];
  let offset = 0;
  for (const shard of split.shards) {
    offsets.push(offset);
    offset += shard.rows;
  }

  await mapConcurrent(split.shards, 4, async (entry, index) => {
    const shard = await readShard(objects, entry.key, entry.rows, dim);
    features.set(shard.features, offsets[index] * dim);
    labels.set(shard.labels, offsets[index]);
  });

  const ids = split.shards.flatMap((entry) => entry.ids);
  return new InMemoryFeatureSource({ features, labels, ids, dim });
}

async function readShard(
  objects: BucketObjects,
  key: string,
  rows: number,
  dim: number,
): Promise<ShardData> {
  const stored = await objects.getBytes(key);
  if (stored === undefined) {
    throw new CorruptObjectError(key, 'the shard listed in the dataset manifest does not exist');
  }
  const shard = decodeShard(stored.bytes, key);
  if (shard.labels.length !== rows || shard.dim !== dim) {
    throw new CorruptObjectError(
      key,
      `the manifest lists ${rows} rows of dim ${dim}, the shard has ${shard.labels.length} rows of dim ${shard.dim}`,
    );
  }
  return shard;
}

/**
 * Reads a split shard by shard. A pass with a shuffle seed visits the shards in a seeded
 * order and the rows of each shard in a seeded order, so the same seed gives the same
 * chunks. The next shard downloads while the current one is used.
 */
export class ShardStreamSource implements FeatureSource {
  constructor(
    private readonly objects: BucketObjects,
    private readonly split: SplitManifest,
    readonly dim: number,
  ) {}

  async *batches(options: PassOptions = {}): AsyncGenerator<FeatureBatch> {
    const shards = this.split.shards;
    const order = Int32Array.from(shards, (_, i) => i);
    if (options.shuffleSeed !== undefined) {
      new Prng(options.shuffleSeed).shuffle(order);
    }

    let pending = order.length > 0 ? this.read(order[0]) : undefined;
    for (let position = 0; position < order.length; position++) {
      const shard = await pending!;
      pending = position + 1 < order.length ? this.read(order[position + 1]) : undefined;
      yield this.chunk(shard, shards[order[position]].ids, order[position], options.shuffleSeed);
    }
  }

  private read(index: number): Promise<ShardData> {
    const entry = this.split.shards[index];
    const reading = readShard(this.objects, entry.key, entry.rows, this.dim);
    // A prefetch that fails after the consumer stopped must not become an unhandled rejection.
    reading.catch(() => undefined);
    return reading;
  }

  private chunk(
    shard: ShardData,
    ids: readonly string[],
    index: number,
    seed: number | undefined,
  ): FeatureBatch {
    const rows = Int32Array.from(shard.labels, (_, i) => i);
    if (seed === undefined) {
      return { features: shard.features, labels: shard.labels, ids: [...ids] };
    }
    new Prng((seed + index + 1) >>> 0).shuffle(rows);
    const dim = this.dim;
    const features = new Float32Array(shard.features.length);
    rows.forEach((row, i) =>
      features.set(shard.features.subarray(row * dim, (row + 1) * dim), i * dim),
    );
    return {
      features,
      labels: Int32Array.from(rows, (row) => shard.labels[row]),
      ids: Array.from(rows, (row) => ids[row]),
    };
  }
}
