import type { SampleLoss } from './softmax-loss.js';

/** Settings of the multiclass hinge loss. */
export interface HingeLossOptions {
  /** Margin delta by which the true class score must exceed every other score. */
  readonly margin: number;
  /** Squares each positive hinge term, max(0, m)^2, in place of max(0, m). */
  readonly squared: boolean;
}

/**
 * Creates the Weston-Watkins multiclass SVM loss,
 * L = sum over j != y of max(0, s_j - s_y + delta) (or its square per term).
 * At a hinge point (a term exactly 0) the subgradient 0 is used.
 */
export function createMulticlassHingeLoss(options: HingeLossOptions): SampleLoss {
  const { margin, squared } = options;

  return (scores, offset, numClasses, label, grad, gradOffset) => {
    const trueScore = scores[offset + label];
    let loss = 0;
    let trueGrad = 0;

    for (let k = 0; k < numClasses; k++) {
      grad[gradOffset + k] = 0;
      if (k === label) {
        continue;
      }
      const violation = scores[offset + k] - trueScore + margin;
      if (violation > 0) {
        const slope = squared ? 2 * violation : 1;
        loss += squared ? violation * violation : violation;
        grad[gradOffset + k] = slope;
        trueGrad -= slope;
      }
    }

    grad[gradOffset + label] = trueGrad;
    return loss;
  };
}
