import type { SplitMode, SplitName } from './dataset-split.js';
import { CorruptObjectError } from './errors.js';
import type { FeatureSpace } from './keys.js';
import type { BucketObjects } from './objects.js';

export const DATASET_MANIFEST_VERSION = 1;

/**
 * The access mode of the training step. `memory` loads every shard into one array and
 * shuffles all rows each epoch. `stream` reads shard by shard and shuffles the shard
 * order and the rows within each shard each epoch. The mode is chosen once when the
 * dataset is built, so every resumed chunk of a run reads the data the same way.
 */
export type DatasetLayout = 'memory' | 'stream';

/** One shard object and the ids (image keys) of its rows, in row order. */
export interface ShardEntry {
  readonly key: string;
  readonly rows: number;
  readonly ids: readonly string[];
}

/** The shards of one split. */
export interface SplitManifest {
  readonly rows: number;
  readonly perClass: Readonly<Record<string, number>>;
  readonly shards: readonly ShardEntry[];
}

/** `training/<run>/dataset.json`: what a training run reads. */
export interface DatasetManifest {
  readonly schemaVersion: typeof DATASET_MANIFEST_VERSION;
  readonly runId: string;
  readonly createdAt: string;
  readonly space: FeatureSpace;
  readonly dim: number;
  /** Class names sorted by UTF-16 code units; shard labels index them. */
  readonly labels: readonly string[];
  readonly split: { readonly mode: SplitMode; readonly validationFraction: number };
  readonly layout: DatasetLayout;
  readonly train: SplitManifest;
  readonly validation: SplitManifest;
  /** Images left out, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Error records of this feature space when the dataset was built. */
  readonly errorRecords: number;
}

/** Reads a dataset manifest and checks its schema version. */
export async function readDatasetManifest(
  objects: BucketObjects,
  key: string,
): Promise<DatasetManifest> {
  const manifest = await objects.getJson<DatasetManifest>(key);
  if (manifest === undefined) {
    throw new CorruptObjectError(
      key,
      'the dataset manifest does not exist; run the PrepareDataset step first',
    );
  }
  if (manifest.schemaVersion !== DATASET_MANIFEST_VERSION) {
    throw new CorruptObjectError(
      key,
      `dataset manifest version ${String(manifest.schemaVersion)} is not supported (expected ${DATASET_MANIFEST_VERSION})`,
    );
  }
  return manifest;
}

/** Returns the manifest of one split. */
export function splitManifest(manifest: DatasetManifest, split: SplitName): SplitManifest {
  return split === 'train' ? manifest.train : manifest.validation;
}
