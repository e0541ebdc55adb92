import { Prng, sortLabels } from '../linear/index.js';
import { mapConcurrent } from './concurrency.js';
import { DatasetError } from './dataset-errors.js';
import {
  DATASET_MANIFEST_VERSION,
  type DatasetLayout,
  type DatasetManifest,
  type ShardEntry,
  type SplitManifest,
} from './dataset-manifest.js';
import { splitOf, type SplitMode, type SplitName } from './dataset-split.js';
import type { FeatureStore } from './feature-store.js';
import { encodeShard } from './feature-shards.js';
import { featureKey, parseImageKey, trainingKey } from './keys.js';
import { labelProblem } from './labels.js';

/** Target size of one shard object. 16 MiB contains 1,024 vectors of 4,096 values. */
export const SHARD_BYTES = 16 * 1024 * 1024;

/**
 * Datasets up to this many bytes of features are trained in memory (layout `memory`);
 * larger ones stream shard by shard. 1 GiB fits the 3,008 MB training function with
 * room for the weights, the optimizer state and one shard being read.
 */
export const MAX_IN_MEMORY_BYTES = 1024 * 1024 * 1024;

/** Options of {@link buildDataset}. */
export interface BuildDatasetOptions {
  readonly runId: string;
  /** Train only on these labels. @default every label */
  readonly labels?: readonly string[];
  /** @default 'hash' */
  readonly splitMode?: SplitMode;
  /** Share of images in validation with the `hash` split. @default 0.2 */
  readonly validationFraction?: number;
  /** Seed of the order of the rows in the shards. @default 0 */
  readonly seed?: number;
  /** Training images every class needs. @default 2 */
  readonly minSamplesPerClass?: number;
  /** Feature vectors downloaded at the same time. @default 32 */
  readonly concurrency?: number;
  /** @default SHARD_BYTES */
  readonly shardBytes?: number;
  /** @default MAX_IN_MEMORY_BYTES */
  readonly maxInMemoryBytes?: number;
}

interface Sample {
  readonly imageKey: string;
  readonly label: string;
}

/**
 * Indexes the feature vectors of a feature space, splits them into training and
 * validation, and writes both splits as shards plus `training/<run>/dataset.json`.
 * Raises {@link DatasetError} when the data cannot be trained on (no vectors, one class,
 * too few images of a class, an empty validation split, mixed dimensions).
 */
export async function buildDataset(
  store: FeatureStore,
  options: BuildDatasetOptions,
): Promise<DatasetManifest> {
  const splitMode = options.splitMode ?? 'hash';
  const validationFraction = options.validationFraction ?? 0.2;
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };

  const selected = options.labels ? new Set(options.labels) : undefined;
  const bySplit: Record<SplitName, Sample[]> = { train: [], validation: [] };
  for await (const entry of store.listFeatures()) {
    const label = entry.imageKey.slice('images/'.length).split('/')[0];
    if (labelProblem(label) !== undefined) {
      skip('invalid-label');
      continue;
    }
    if (selected && !selected.has(label)) {
      skip('label-not-selected');
      continue;
    }
    const split = splitOf(entry.imageKey, splitMode, validationFraction);
    if (split === undefined) {
      skip('outside-train-and-valid-folders');
      continue;
    }
    bySplit[split].push({ imageKey: parseImageKey(entry.imageKey).key, label });
  }

  const labels = checkClasses(bySplit, selected, options.minSamplesPerClass ?? 2, store);
  let errorRecords = 0;
  for await (const _ of store.listErrorKeys()) errorRecords++;

  const writer = new ShardWriter(store, options, labels);
  const train = await writer.writeSplit('train', bySplit.train);
  const validation = await writer.writeSplit('validation', bySplit.validation);
  const dim = writer.dim!;
  const maxInMemoryBytes = options.maxInMemoryBytes ?? MAX_IN_MEMORY_BYTES;
  const layout: DatasetLayout =
    (train.rows + validation.rows) * dim * 4 <= maxInMemoryBytes ? 'memory' : 'stream';

  const manifest: DatasetManifest = {
    schemaVersion: DATASET_MANIFEST_VERSION,
    runId: options.runId,
    createdAt: new Date().toISOString(),
    space: store.space,
    dim,
    labels,
    split: { mode: splitMode, validationFraction },
    layout,
    train,
    validation,
    skipped,
    errorRecords,
  };
  await store.objects.putJson(datasetManifestKey(options.runId), manifest);
  return manifest;
}

/** Returns the key of a run's dataset manifest. */
export function datasetManifestKey(runId: string): string {
  return trainingKey(runId, 'dataset.json');
}

function checkClasses(
  bySplit: Record<SplitName, Sample[]>,
  selected: Set<string> | undefined,
  minSamplesPerClass: number,
  store: FeatureStore,
): string[] {
  const space = `${store.space.backboneId}/${store.space.featureLayer}`;
  const all = [...bySplit.train, ...bySplit.validation];
  if (all.length === 0) {
    throw new DatasetError(
      'NoFeatureVectors',
      `no usable feature vectors under features/${space}/` +
        (selected ? ` for the labels ${[...selected].join(', ')}` : '') +
        ': upload images to images/<label>/<file> and wait for extraction, or run the backfill state machine',
    );
  }

  const labels = sortLabels(all.map((sample) => sample.label));
  if (selected) {
    const missing = [...selected].filter((label) => !labels.includes(label));
    if (missing.length > 0) {
      throw new DatasetError(
        'UnknownLabel',
        `no feature vectors for the selected labels: ${missing.join(', ')}`,
      );
    }
  }
  if (labels.length < 2) {
    throw new DatasetError(
      'SingleClass',
      `only one class (${labels[0]}) has feature vectors; a classifier needs at least two labels under images/`,
    );
  }

  const trainCounts = countPerClass(bySplit.train, labels);
  const short = labels.filter((label) => trainCounts[label] < minSamplesPerClass);
  if (short.length > 0) {
    const detail = short.map((label) => `${label} (${trainCounts[label]})`).join(', ');
    throw new DatasetError(
      'TooFewSamples',
      `these classes have fewer than ${minSamplesPerClass} training images: ${detail}; upload more images of them`,
    );
  }
  if (bySplit.validation.length === 0) {
    throw new DatasetError(
      'EmptyValidationSplit',
      'the validation split is empty: upload more images, raise validationFraction, ' +
        'or with the folder split put images under images/<label>/valid/',
    );
  }
  return labels;
}

/** Orders samples by image key in UTF-16 code unit order, the same on every host. */
function byImageKey(a: Sample, b: Sample): number {
  if (a.imageKey < b.imageKey) {
    return -1;
  }
  return a.imageKey > b.imageKey ? 1 : 0;
}

function countPerClass(
  samples: readonly Sample[],
  labels: readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]));
  for (const sample of samples) counts[sample.label]++;
  return counts;
}

/** Writes the shards of each split and checks that every vector has the same dimension. */
class ShardWriter {
  dim: number | undefined;
  private readonly labelIndex: Map<string, number>;

  constructor(
    private readonly store: FeatureStore,
    private readonly options: BuildDatasetOptions,
    private readonly labels: readonly string[],
  ) {
    this.labelIndex = new Map(labels.map((label, i) => [label, i]));
  }

  async writeSplit(split: SplitName, samples: Sample[]): Promise<SplitManifest> {
    const ordered = this.shuffled(samples);
    const shards: ShardEntry[] = [];
    const rowsPerShard = await this.rowsPerShard(ordered);
    for (let start = 0; start < ordered.length; start += rowsPerShard) {
      const batch = ordered.slice(start, start + rowsPerShard);
      const vectors = await this.readVectors(batch);
      shards.push(await this.writeShard(split, shards.length, batch, vectors));
    }
    return { rows: ordered.length, perClass: countPerClass(samples, this.labels), shards };
  }

  /** Reads one vector to learn the dimension, which sets the rows per shard. */
  private async rowsPerShard(samples: readonly Sample[]): Promise<number> {
    if (this.dim === undefined && samples.length > 0) {
      await this.readVectors(samples.slice(0, 1));
    }
    return Math.max(
      1,
      Math.floor((this.options.shardBytes ?? SHARD_BYTES) / (4 * (this.dim ?? 1))),
    );
  }

  /** Sorts by key, then shuffles with the seed, so the order depends on the seed alone. */
  private shuffled(samples: readonly Sample[]): Sample[] {
    const sorted = [...samples].sort(byImageKey);
    const order = Int32Array.from(sorted, (_, i) => i);
    new Prng(this.options.seed ?? 0).shuffle(order);
    return Array.from(order, (i) => sorted[i]);
  }

  private async readVectors(samples: readonly Sample[]): Promise<Float32Array[]> {
    return mapConcurrent(samples, this.options.concurrency ?? 32, async (sample) => {
      const key = featureKey(this.store.space, sample.imageKey);
      const vector = await this.store.readFeatureObject(key);
      if (vector === undefined) {
        throw new DatasetError(
          'NoFeatureVectors',
          `the feature vector ${key} disappeared while the dataset was built (its image was deleted); start training again`,
        );
      }
      this.dim ??= vector.length;
      if (vector.length !== this.dim) {
        throw new DatasetError(
          'MixedDimensions',
          `${key} has ${vector.length} values but other vectors have ${this.dim}; delete features/ of this ` +
            'backbone and layer and run the backfill state machine',
        );
      }
      return vector;
    });
  }

  private async writeShard(
    split: SplitName,
    index: number,
    samples: readonly Sample[],
    vectors: readonly Float32Array[],
  ): Promise<ShardEntry> {
    const dim = this.dim!;
    const features = new Float32Array(samples.length * dim);
    vectors.forEach((vector, row) => features.set(vector, row * dim));
    const labels = Int32Array.from(samples, (sample) => this.labelIndex.get(sample.label)!);
    const key = trainingKey(
      this.options.runId,
      'shards',
      `${split}-${String(index).padStart(5, '0')}.bin`,
    );
    await this.store.objects.putBytes(key, encodeShard({ dim, labels, features }));
    return { key, rows: samples.length, ids: samples.map((sample) => sample.imageKey) };
  }
}
