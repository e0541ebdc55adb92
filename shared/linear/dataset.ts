import { LinearProbeError } from './errors.js';
import { Prng } from './prng.js';
import { identityRows } from './row-view.js';
import type { FeatureBatch, FeatureDataset, FeatureSource, PassOptions } from './types.js';

/** One labelled feature vector with its class name. */
export interface LabelledVector {
  readonly id: string;
  readonly label: string;
  readonly features: Float32Array | readonly number[];
}

/**
 * Returns the distinct class names sorted by UTF-16 code units, the order of folder names
 * sorted in the C locale. Class index i in batches and models refers to entry i.
 */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort(compareCodeUnits);
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * Packs labelled vectors into a dataset. The class names are `options.labels` when given
 * (a label outside them raises UNKNOWN_LABEL), else the sorted distinct labels of the samples.
 */
export function buildDataset(
  samples: readonly LabelledVector[],
  options: { readonly labels?: readonly string[]; readonly dim?: number } = {},
): { dataset: FeatureDataset; labels: string[] } {
  const labels = options.labels ? [...options.labels] : sortLabels(samples.map((s) => s.label));
  const index = new Map(labels.map((label, i) => [label, i]));
  const dim = options.dim ?? samples[0]?.features.length ?? 0;

  const features = new Float32Array(samples.length * dim);
  const labelIndices = new Int32Array(samples.length);
  const ids: string[] = [];
  samples.forEach((sample, row) => {
    if (sample.features.length !== dim) {
      throw new LinearProbeError(
        'DIMENSION_MISMATCH',
        `Sample '${sample.id}' has ${sample.features.length} feature values but the others have ${dim}. ` +
          'Use features from one backbone and feature layer for the whole data set.',
        { id: sample.id, dim: sample.features.length, expected: dim },
      );
    }
    const classIndex = index.get(sample.label);
    if (classIndex === undefined) {
      throw unknownLabelError(sample.id, sample.label, labels);
    }
    features.set(sample.features, row * dim);
    labelIndices[row] = classIndex;
    ids.push(sample.id);
  });

  return { dataset: { features, labels: labelIndices, ids, dim }, labels };
}

/** Feature source over a dataset in memory. The trainer reads its rows without copies. */
export class InMemoryFeatureSource implements FeatureSource {
  readonly dataset: FeatureDataset;
  readonly dim: number;
  readonly chunkSize: number;

  constructor(dataset: FeatureDataset, chunkSize = 1024) {
    checkDatasetShape(dataset);
    if (!(Number.isInteger(chunkSize) && chunkSize > 0)) {
      throw new LinearProbeError('INVALID_BATCH', `Invalid chunkSize ${chunkSize}; use an integer of at least 1.`, {
        chunkSize,
      });
    }
    this.dataset = dataset;
    this.dim = dataset.dim;
    this.chunkSize = chunkSize;
  }

  /** Number of samples. */
  get rowCount(): number {
    return this.dataset.labels.length;
  }

  /** Yields copies of the rows in chunks, shuffled by `shuffleSeed` when given. */
  async *batches(options: PassOptions = {}): AsyncGenerator<FeatureBatch> {
    const { features, labels, ids, dim } = this.dataset;
    const order = identityRows(labels.length);
    if (options.shuffleSeed !== undefined) {
      new Prng(options.shuffleSeed).shuffle(order);
    }

    for (let start = 0; start < order.length; start += this.chunkSize) {
      const rows = order.subarray(start, Math.min(order.length, start + this.chunkSize));
      const chunk = new Float32Array(rows.length * dim);
      rows.forEach((row, i) => chunk.set(features.subarray(row * dim, (row + 1) * dim), i * dim));
      yield {
        features: chunk,
        labels: Int32Array.from(rows, (row) => labels[row]),
        ids: Array.from(rows, (row) => ids[row]),
      };
    }
  }
}

/** Wraps a dataset as a {@link FeatureSource} that yields `chunkSize` rows at a time. */
export function createInMemorySource(dataset: FeatureDataset, options: { readonly chunkSize?: number } = {}): InMemoryFeatureSource {
  return new InMemoryFeatureSource(dataset, options.chunkSize);
}

function checkDatasetShape(dataset: FeatureDataset): void {
  const rowCount = dataset.labels.length;
  if (!(Number.isInteger(dataset.dim) && dataset.dim >= 0)) {
    throw new LinearProbeError('DIMENSION_MISMATCH', `Invalid feature dimension ${dataset.dim}; use a positive integer.`, {
      dim: dataset.dim,
    });
  }
  checkChunkShape(
    { features: dataset.features, labels: dataset.labels, ids: dataset.ids },
    dataset.dim,
    'the dataset',
  );
  if (rowCount > 0 && dataset.dim === 0) {
    throw new LinearProbeError('DIMENSION_MISMATCH', 'The dataset has samples but feature dimension 0; use a positive dimension.', {
      dim: 0,
    });
  }
}

/** Checks that a chunk has one id per label and `dim` values per row. */
export function checkChunkShape(batch: FeatureBatch, dim: number, where: string): void {
  const rowCount = batch.labels?.length;
  if (!(batch.labels instanceof Int32Array) || !(batch.features instanceof Float32Array) || !Array.isArray(batch.ids)) {
    throw new LinearProbeError(
      'INVALID_BATCH',
      `A chunk of ${where} is not { features: Float32Array, labels: Int32Array, ids: string[] }; convert it before training.`,
      { where },
    );
  }
  if (batch.ids.length !== rowCount) {
    throw new LinearProbeError(
      'INVALID_BATCH',
      `A chunk of ${where} has ${rowCount} labels but ${batch.ids.length} ids; give one id per row.`,
      { where, labels: rowCount, ids: batch.ids.length },
    );
  }
  if (batch.features.length !== rowCount * dim) {
    const found = rowCount > 0 ? batch.features.length / rowCount : batch.features.length;
    throw new LinearProbeError(
      'DIMENSION_MISMATCH',
      `A chunk of ${where} has ${batch.features.length} feature values for ${rowCount} rows ` +
        `(${found} per row) but the feature dimension is ${dim}. ` +
        'Use features from one backbone and feature layer for the whole data set.',
      { where, values: batch.features.length, rows: rowCount, expected: dim },
    );
  }
}

/** Checks the shape and the labels of a chunk of a run with `numClasses` classes. */
export function checkChunk(batch: FeatureBatch, dim: number, labels: readonly string[], where: string): void {
  checkChunkShape(batch, dim, where);
  for (let i = 0; i < batch.labels.length; i++) {
    const label = batch.labels[i];
    if (!(label >= 0 && label < labels.length)) {
      throw unknownLabelError(batch.ids[i], String(label), labels);
    }
  }
}

/** Builds the error for a label outside the class names of the run. */
export function unknownLabelError(id: string | undefined, label: string, labels: readonly string[]): LinearProbeError {
  return new LinearProbeError(
    'UNKNOWN_LABEL',
    `Sample '${id ?? '?'}' has label ${label}, which is not one of the ${labels.length} classes ` +
      `(${labels.map((l, i) => `${i}: ${l}`).join(', ')}). Add the class to the labels or fix the sample.`,
    { id, label, labels: [...labels] },
  );
}
