import { LinearProbeError } from './errors.js';
import { scoreRows } from './forward-pass.js';
import { scoringWeights, type LinearModel } from './model.js';
import { nonFiniteFeatureError } from './row-view.js';
import { softmax } from './softmax-loss.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Number of classes listed in `scores`. @default all classes */
  readonly topK?: number;
  /**
   * Minimum confidence of the top class, applied on top of the model's per-class
   * thresholds. @default 0
   */
  readonly minConfidence?: number;
  /** Name of the input in error messages, for example the image key. @default 'input' */
  readonly id?: string;
}

/** Score of one class. */
export interface ClassScore {
  readonly label: string;
  /** Raw score s_k = W_k z + b_k. */
  readonly score: number;
  /** Softmax of the scores at this class. */
  readonly confidence: number;
}

/** Reason for a prediction without a confident label. */
export type RejectionReason = 'below-class-threshold' | 'below-min-confidence';

/** Result of {@link predict}. */
export interface Prediction {
  /** Top class, or null when its confidence is below a threshold ("no confident label"). */
  readonly label: string | null;
  /** Top class, whether or not it is confident. */
  readonly topLabel: string;
  /** Confidence of the top class. */
  readonly confidence: number;
  /** Reason for a null `label`, or null when `label` is set. */
  readonly rejection: RejectionReason | null;
  /** Classes by decreasing score (ties by class order), at most `topK` of them. */
  readonly scores: readonly ClassScore[];
}

/**
 * Classifies one feature vector. Confidence is softmax(s) for both losses. For the softmax
 * loss it estimates the class probability, which is not recalibrated after training. For
 * the SVM loss it is only a monotone 0-1 rescaling of the scores. The top class is rejected when its confidence is below the model's
 * threshold for that class or below `minConfidence`.
 */
export function predict(model: LinearModel, features: Float32Array | readonly number[], options: PredictOptions = {}): Prediction {
  const numClasses = model.labels.length;
  const id = options.id ?? 'input';
  const topK = options.topK ?? numClasses;
  const minConfidence = options.minConfidence ?? 0;
  checkOptions(topK, minConfidence);
  const row = checkFeatures(model, features, id);

  const scores = new Float64Array(numClasses);
  scoreRows({ features: row, labels: new Int32Array(1), ids: [id], rows: new Int32Array(1), dim: model.dim }, 0, 1, scoringWeights(model), scores);
  const confidences = softmax(scores);

  const order = Array.from({ length: numClasses }, (_, k) => k).sort((a, b) => scores[b] - scores[a] || a - b);
  const top = order[0];
  const confidence = confidences[top];
  let rejection: RejectionReason | null = null;
  if (confidence < (model.thresholds[top] ?? 0)) {
    rejection = 'below-class-threshold';
  } else if (confidence < minConfidence) {
    rejection = 'below-min-confidence';
  }

  return {
    label: rejection === null ? model.labels[top] : null,
    topLabel: model.labels[top],
    confidence,
    rejection,
    scores: order.slice(0, topK).map((k) => ({ label: model.labels[k], score: scores[k], confidence: confidences[k] })),
  };
}

function checkOptions(topK: number, minConfidence: number): void {
  if (!(Number.isInteger(topK) && topK >= 1)) {
    throw new LinearProbeError('INVALID_HYPERPARAMETER', `Invalid topK ${topK}; use an integer of at least 1.`, { topK });
  }
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw new LinearProbeError(
      'INVALID_HYPERPARAMETER',
      `Invalid minConfidence ${minConfidence}; use a number in [0, 1].`,
      { minConfidence },
    );
  }
}

function checkFeatures(model: LinearModel, features: Float32Array | readonly number[], id: string): Float32Array {
  if (features.length !== model.dim) {
    throw new LinearProbeError(
      'DIMENSION_MISMATCH',
      `Feature vector '${id}' has ${features.length} values but the model expects ${model.dim} ` +
        `(backbone ${model.backbone?.id ?? 'unknown'}, layer ${model.backbone?.featureLayer ?? 'unknown'}). ` +
        'Extract the features with the backbone and layer the model was trained on.',
      { id, dim: features.length, expected: model.dim },
    );
  }
  const row = features instanceof Float32Array ? features : Float32Array.from(features);
  for (let j = 0; j < row.length; j++) {
    if (!Number.isFinite(row[j])) {
      throw nonFiniteFeatureError(id, j, features[j]);
    }
  }
  return row;
}
