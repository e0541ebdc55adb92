/** Dense floating-point storage accepted by the math (float64 only in gradient checks). */
export type FloatArray = Float32Array | Float64Array;

/**
 * A chunk of labelled feature vectors, as a data source yields it.
 * The trainer regroups chunks into mini-batches of its own `batchSize`, so a chunk may
 * have any number of rows (one S3 shard, for example).
 */
export interface FeatureBatch {
  /** Feature vectors, `labels.length` rows of `dim` values, row-major. */
  readonly features: Float32Array;
  /** Class index of each row, into the sorted class names of the run. */
  readonly labels: Int32Array;
  /** Sample id of each row (for example the image key). */
  readonly ids: readonly string[];
}

/** Options for one pass over a {@link FeatureSource}. */
export interface PassOptions {
  /**
   * Seed for the order of the samples, or undefined for the stored order.
   * The same seed must give the same sequence of chunks, or a resumed run loses
   * bit-identity with an uninterrupted one.
   */
  readonly shuffleSeed?: number;
}

/** Labelled feature vectors that can be read any number of times. */
export interface FeatureSource {
  /** Number of values in each feature vector. */
  readonly dim: number;
  /** Streams every sample once, in chunks. */
  batches(options?: PassOptions): AsyncIterable<FeatureBatch>;
}

/** Labelled feature vectors held in memory. */
export interface FeatureDataset {
  /** `labels.length` rows of `dim` values, row-major. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly ids: readonly string[];
  readonly dim: number;
}
