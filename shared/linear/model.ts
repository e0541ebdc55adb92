import { createEffectiveWeights, updateEffectiveWeights, type EffectiveWeights } from './effective-weights.js';
import type { Hyperparameters } from './hyperparameters.js';
import type { LossConfig } from './loss.js';
import type { EvaluationReport } from './metrics.js';
import type { EpochRecord, StopReason } from './sgd-run.js';

/** The CNN that produced the features. */
export interface BackboneInfo {
  /** Backbone id, for example 'vgg16'. */
  readonly id: string;
  /** Layer whose output is the feature vector, for example 'block5_pool'. */
  readonly featureLayer: string;
}

/** Validation loss of one L2 strength tried by the search. */
export interface L2SearchResult {
  readonly l2Strength: number;
  readonly bestValidationLoss: number | null;
  readonly bestValidationLossStdError: number | null;
  readonly bestValidationAccuracy: number | null;
  readonly bestEpoch: number;
  readonly epochs: number;
}

/** Summary of the training run. */
export interface TrainingSummary {
  /** Wall-clock seconds spent in training, summed over resumed invocations. */
  readonly seconds: number;
  /** Epochs run by the chosen L2 strength. */
  readonly epochs: number;
  /** Epoch (0-based) whose weights were kept. */
  readonly bestEpoch: number;
  readonly stopReason: StopReason | null;
  readonly l2Strength: number;
  readonly l2Search: readonly L2SearchResult[];
  /** Per-epoch losses of the chosen L2 strength. */
  readonly history: readonly EpochRecord[];
  /** Epochs of the final run on every training sample, or null without a refit. */
  readonly refitEpochs: number | null;
  readonly trainSamplesPerClass: Readonly<Record<string, number>>;
  readonly validationSamplesPerClass: Readonly<Record<string, number>>;
}

/**
 * A trained linear probe. Scores are s = W z + b on standardized features
 * z = (x - mean) / scale; `weights` is K x D row-major.
 */
export interface LinearModel {
  /** Class names, sorted by UTF-16 code units. */
  readonly labels: readonly string[];
  readonly dim: number;
  readonly mean: Float32Array;
  readonly scale: Float32Array;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /**
   * Minimum confidence per class: predict reports no confident label when the top class
   * has a lower confidence. 0 accepts every prediction. Chosen on the validation data
   * with the weights before any refit.
   */
  readonly thresholds: readonly number[];
  readonly loss: LossConfig;
  readonly hyperparameters: Hyperparameters;
  readonly backbone: BackboneInfo | null;
  /**
   * Metrics on the validation data, or null when there was none. After a refit they
   * describe the chosen weights before the refit, which had not seen the validation samples.
   */
  readonly validation: EvaluationReport | null;
  readonly training: TrainingSummary;
}

const scoringCache = new WeakMap<LinearModel, EffectiveWeights>();

/**
 * Returns the weights that score raw feature vectors for `model` (K rows, no relative
 * shift), cached per model object. Evaluation and predict share them, so both give the
 * same scores bit for bit.
 */
export function scoringWeights(model: LinearModel): EffectiveWeights {
  let effective = scoringCache.get(model);
  if (effective === undefined) {
    effective = createEffectiveWeights(model.labels.length, model.dim, false);
    updateEffectiveWeights(model.weights, model.bias, { mean: model.mean, scale: model.scale }, effective);
    scoringCache.set(model, effective);
  }
  return effective;
}
