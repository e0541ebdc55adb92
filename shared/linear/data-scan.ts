import { checkChunk, InMemoryFeatureSource } from './dataset.js';
import { LinearProbeError } from './errors.js';
import type { Hyperparameters } from './hyperparameters.js';
import { chooseHoldout, holdoutSeed, type HoldoutSplit } from './holdout-split.js';
import { hashString } from './prng.js';
import { nonFiniteFeatureError } from './row-view.js';
import { StandardizationAccumulator, type Standardization } from './standardization.js';
import type { FeatureBatch, FeatureSource } from './types.js';

/** Results of the pass over the data before training. */
export interface ScanResult {
  readonly standardization: Standardization;
  /** Samples per class in the training source, including any held-out part. */
  readonly sourceCounts: readonly number[];
  /** Samples per class used for training. */
  readonly trainCounts: readonly number[];
  /** Samples per class used for validation (held out or from the validation source). */
  readonly validationCounts: readonly number[];
  readonly holdout: HoldoutSplit | null;
}

/**
 * Reads the training source once in stored order, and the validation source when given:
 * checks every chunk (shape, labels, finite values), computes the standardization from
 * the whole training source and counts each class. Raises EMPTY_TRAINING_SET,
 * SINGLE_CLASS or TOO_FEW_SAMPLES when the counts cannot train a classifier.
 */
export async function scanData(
  train: FeatureSource,
  validation: FeatureSource | undefined,
  labels: readonly string[],
  h: Hyperparameters,
): Promise<ScanResult> {
  const dim = train.dim;
  const numClasses = labels.length;
  const stats = new StandardizationAccumulator(dim);
  const sourceCounts = new Array<number>(numClasses).fill(0);
  const useHoldout = validation === undefined && h.validationFraction > 0;
  const split = holdoutSeed(h.seed);
  const hashes: number[][] = labels.map(() => []);

  for await (const chunk of chunksInStoredOrder(train)) {
    checkChunk(chunk, dim, labels, 'the training data');
    const badDimension = stats.add(chunk.features, chunk.labels.length);
    if (badDimension >= 0) {
      raiseNonFiniteColumn(chunk, dim, badDimension);
    }
    for (let i = 0; i < chunk.labels.length; i++) {
      sourceCounts[chunk.labels[i]]++;
      if (useHoldout) {
        hashes[chunk.labels[i]].push(hashString(chunk.ids[i], split));
      }
    }
  }
  checkClassCounts(sourceCounts, labels, h.minSamplesPerClass);

  if (useHoldout) {
    const { split: holdout, heldOutCounts } = chooseHoldout(split, hashes, h.validationFraction);
    return {
      standardization: stats.finish(),
      sourceCounts,
      trainCounts: sourceCounts.map((count, k) => count - heldOutCounts[k]),
      validationCounts: heldOutCounts,
      holdout,
    };
  }

  const validationCounts = new Array<number>(numClasses).fill(0);
  if (validation !== undefined) {
    for await (const chunk of chunksInStoredOrder(validation)) {
      checkChunk(chunk, dim, labels, 'the validation data');
      checkFinite(chunk, dim);
      chunk.labels.forEach((label) => validationCounts[label]++);
    }
  }
  return { standardization: stats.finish(), sourceCounts, trainCounts: sourceCounts, validationCounts, holdout: null };
}

async function* chunksInStoredOrder(source: FeatureSource): AsyncGenerator<FeatureBatch> {
  if (source instanceof InMemoryFeatureSource) {
    yield source.dataset;
    return;
  }
  yield* source.batches();
}

function checkClassCounts(counts: readonly number[], labels: readonly string[], minimum: number): void {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) {
    throw new LinearProbeError(
      'EMPTY_TRAINING_SET',
      'The training data has no samples. Upload labelled images (images/<label>/<file>) and extract their features first.',
    );
  }

  const present = labels.filter((_, k) => counts[k] > 0);
  if (present.length < 2) {
    throw new LinearProbeError(
      'SINGLE_CLASS',
      `All ${total} training samples belong to the class '${present[0]}'. ` +
        'A classifier needs samples of at least 2 classes: add images of another class.',
      { label: present[0], count: total },
    );
  }

  labels.forEach((label, k) => {
    if (counts[k] < minimum) {
      throw new LinearProbeError(
        'TOO_FEW_SAMPLES',
        `Class '${label}' has ${counts[k]} training samples, fewer than the minimum of ${minimum}. ` +
          'Add samples of this class, remove the class, or lower minSamplesPerClass.',
        { label, count: counts[k], minimum },
      );
    }
  });
}

function raiseNonFiniteColumn(chunk: FeatureBatch, dim: number, column: number): never {
  for (let i = 0; i < chunk.labels.length; i++) {
    const value = chunk.features[i * dim + column];
    if (!Number.isFinite(value)) {
      throw nonFiniteFeatureError(chunk.ids[i], column, value);
    }
  }
  throw new LinearProbeError('NON_FINITE_FEATURE', `Feature ${column} sums to a non-finite value; check the data set.`, {
    index: column,
  });
}

function checkFinite(chunk: FeatureBatch, dim: number): void {
  const values = chunk.features;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / dim);
      throw nonFiniteFeatureError(chunk.ids[row], i - row * dim, values[i]);
    }
  }
}
