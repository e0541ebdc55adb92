// Synthetic data for the tests of this folder.
import { buildDataset } from './dataset.js';
import { Prng } from './prng.js';
import type { FeatureBatch, FeatureDataset, FeatureSource, PassOptions } from './types.js';

/** Draws a standard normal number (Box-Muller). */
export function gaussian(prng: Prng): number {
  const u = prng.nextFloat() || 2 ** -32;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.nextFloat());
}

/** Settings of {@link makeClusters}. */
export interface ClusterOptions {
  readonly samples: number;
  readonly dim: number;
  readonly numClasses: number;
  /** Scale of the class means relative to the unit noise. */
  readonly separation: number;
  /** Seed of the noise; the class means depend on `meanSeed` only. */
  readonly seed: number;
  readonly meanSeed?: number;
  readonly idPrefix?: string;
  /** Adds this constant to every feature (to test standardization). */
  readonly offset?: number;
}

/**
 * Builds ReLU-like features: max(0, separation * mean[class] + noise) + offset,
 * with classes in round-robin order and labels 'c0', 'c1', ...
 */
export function makeClusters(options: ClusterOptions): { dataset: FeatureDataset; labels: string[] } {
  const { samples, dim, numClasses, separation } = options;
  const meanPrng = new Prng(options.meanSeed ?? 7);
  const means = Array.from({ length: numClasses }, () => Array.from({ length: dim }, () => gaussian(meanPrng)));
  const prng = new Prng(options.seed);
  const prefix = options.idPrefix ?? 's';
  const offset = options.offset ?? 0;

  const vectors = Array.from({ length: samples }, (_, i) => {
    const label = i % numClasses;
    const features = new Float32Array(dim);
    for (let j = 0; j < dim; j++) {
      features[j] = Math.max(0, separation * means[label][j] + gaussian(prng)) + offset;
    }
    return { id: `${prefix}-${String(i).padStart(5, '0')}`, label: `c${label}`, features };
  });
  const labels = Array.from({ length: numClasses }, (_, k) => `c${k}`);
  return buildDataset(vectors, { labels });
}

/**
 * Source that the trainer reads as a stream (not as an in-memory source). It yields copies
 * in chunks of `chunkSize`, in an order that depends only on the shuffle seed.
 */
export class StreamingSource implements FeatureSource {
  readonly dim: number;
  private readonly dataset: FeatureDataset;
  private readonly chunkSize: number;

  constructor(dataset: FeatureDataset, chunkSize: number) {
    this.dataset = dataset;
    this.dim = dataset.dim;
    this.chunkSize = chunkSize;
  }

  async *batches(options: PassOptions = {}): AsyncGenerator<FeatureBatch> {
    const { features, labels, ids, dim } = this.dataset;
    const order = Int32Array.from(labels, (_, i) => i);
    if (options.shuffleSeed !== undefined) {
      new Prng(options.shuffleSeed).shuffle(order);
    }
    for (let start = 0; start < order.length; start += this.chunkSize) {
      const rows = order.subarray(start, start + this.chunkSize);
      const chunk = new Float32Array(rows.length * dim);
      rows.forEach((row, i) => chunk.set(features.subarray(row * dim, (row + 1) * dim), i * dim));
      await Promise.resolve();
      yield { features: chunk, labels: Int32Array.from(rows, (r) => labels[r]), ids: Array.from(rows, (r) => ids[r]) };
    }
  }
}

/** Returns a source that yields the given chunks unchanged (for malformed input). */
export function chunkSource(dim: number, chunks: FeatureBatch[]): FeatureSource {
  return {
    dim,
    async *batches() {
      yield* chunks;
    },
  };
}

/** Returns the bytes of a typed array, for bit-for-bit comparisons. */
export function bytesOf(array: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
