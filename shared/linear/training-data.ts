import { checkChunk, InMemoryFeatureSource } from './dataset.js';
import { isHeldOut, type HoldoutSplit } from './holdout-split.js';
import { Prng } from './prng.js';
import { identityRows, type RowView } from './row-view.js';
import type { FeatureBatch, FeatureSource } from './types.js';

/**
 * The training and validation rows of a run, read as row views. An in-memory training
 * source is shuffled through a permutation of row indices, without copying features.
 * Any other source gets the shuffle seed and must return the same chunks for the same seed.
 */
export class TrainingData {
  private readonly train: FeatureSource;
  private readonly validation: FeatureSource | undefined;
  private readonly labels: readonly string[];
  private readonly holdout: HoldoutSplit | null;
  private memoryRows: { train: Int32Array; validation: Int32Array } | undefined;

  constructor(
    train: FeatureSource,
    validation: FeatureSource | undefined,
    labels: readonly string[],
    holdout: HoldoutSplit | null,
  ) {
    this.train = train;
    this.validation = validation;
    this.labels = labels;
    this.holdout = holdout;
  }

  get dim(): number {
    return this.train.dim;
  }

  /** Whether a validation source or a held-out part exists. */
  get hasValidation(): boolean {
    return this.validation !== undefined || this.holdout !== null;
  }

  /** Yields the training rows of one epoch in the order given by `shuffleSeed`. */
  async *trainViews(shuffleSeed: number): AsyncGenerator<RowView> {
    if (this.train instanceof InMemoryFeatureSource) {
      const rows = this.splitMemoryRows(this.train).train.slice();
      new Prng(shuffleSeed).shuffle(rows);
      yield { ...this.train.dataset, rows };
      return;
    }

    for await (const chunk of this.train.batches({ shuffleSeed })) {
      checkChunk(chunk, this.dim, this.labels, 'the training data');
      yield this.viewOf(chunk, false);
    }
  }

  /** Yields the validation rows in stored order. */
  async *validationViews(): AsyncGenerator<RowView> {
    if (this.validation !== undefined) {
      yield* this.allRows(this.validation, 'the validation data');
      return;
    }
    if (this.holdout === null) {
      return;
    }
    if (this.train instanceof InMemoryFeatureSource) {
      yield { ...this.train.dataset, rows: this.splitMemoryRows(this.train).validation };
      return;
    }
    for await (const chunk of this.train.batches()) {
      checkChunk(chunk, this.dim, this.labels, 'the training data');
      yield this.viewOf(chunk, true);
    }
  }

  private async *allRows(source: FeatureSource, where: string): AsyncGenerator<RowView> {
    if (source instanceof InMemoryFeatureSource) {
      yield { ...source.dataset, rows: identityRows(source.rowCount) };
      return;
    }
    for await (const chunk of source.batches()) {
      checkChunk(chunk, this.dim, this.labels, where);
      yield { ...chunk, dim: this.dim, rows: identityRows(chunk.labels.length) };
    }
  }

  private viewOf(chunk: FeatureBatch, heldOut: boolean): RowView {
    const rows: number[] = [];
    for (let i = 0; i < chunk.labels.length; i++) {
      const inHoldout = this.holdout !== null && isHeldOut(this.holdout, chunk.ids[i], chunk.labels[i]);
      if (inHoldout === heldOut) {
        rows.push(i);
      }
    }
    return { ...chunk, dim: this.dim, rows: Int32Array.from(rows) };
  }

  private splitMemoryRows(source: InMemoryFeatureSource): { train: Int32Array; validation: Int32Array } {
    if (this.memoryRows === undefined) {
      const { ids, labels } = source.dataset;
      const train: number[] = [];
      const validation: number[] = [];
      for (let i = 0; i < labels.length; i++) {
        const inHoldout = this.holdout !== null && isHeldOut(this.holdout, ids[i], labels[i]);
        (inHoldout ? validation : train).push(i);
      }
      this.memoryRows = { train: Int32Array.from(train), validation: Int32Array.from(validation) };
    }
    return this.memoryRows;
  }
}
