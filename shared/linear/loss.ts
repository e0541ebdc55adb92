import { softmaxCrossEntropy, type SampleLoss } from './softmax-loss.js';
import { createMulticlassHingeLoss } from './svm-loss.js';

/** Loss of the linear probe: softmax cross-entropy or the multiclass SVM (hinge) loss. */
export type LossType = 'softmax' | 'svm';

/** Loss function and its settings, as stored with checkpoints and models. */
export interface LossConfig {
  readonly type: LossType;
  /** SVM margin delta (ignored by softmax). */
  readonly margin: number;
  /** Squared hinge for the SVM loss (ignored by softmax). */
  readonly squaredHinge: boolean;
}

/** Creates the per-sample loss function for `config`. */
export function createSampleLoss(config: LossConfig): SampleLoss {
  if (config.type === 'softmax') {
    return softmaxCrossEntropy;
  }
  return createMulticlassHingeLoss({ margin: config.margin, squared: config.squaredHinge });
}
