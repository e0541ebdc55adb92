import { describe, expect, it } from 'vitest';
import { createSampleLoss, type LossConfig } from './loss.js';
import { computeObjective, type ObjectiveInput } from './objective.js';
import { Prng } from './prng.js';
import { gaussian } from './test-fixtures.js';

// Centered differences in float64 with step h = 1e-5 have a truncation error of order
// h^2 (none for the piecewise quadratic hinge losses) and a rounding error of order
// 1e-16 * loss / h, both far below this tolerance. Hinge kinks stay at least 1e-3 away.
const STEP = 1e-5;
const TOLERANCE = 1e-6;

interface Problem {
  input: ObjectiveInput;
}

function makeProblem(loss: LossConfig, l2Strength: number, numClasses: number, seed: number): Problem {
  const dim = 7;
  const rows = 13;
  for (let attempt = 0; ; attempt++) {
    const prng = new Prng(seed * 1000 + attempt);
    const draw = (n: number, scale: number, shift = 0) => Float64Array.from({ length: n }, () => shift + scale * gaussian(prng));
    const input: ObjectiveInput = {
      weights: draw(numClasses * dim, loss.type === 'svm' ? 1.5 : 0.7),
      bias: draw(numClasses, 0.5),
      features: draw(rows * dim, 2, 1),
      labels: Int32Array.from({ length: rows }, () => prng.nextInt(numClasses)),
      dim,
      standardization: { mean: draw(dim, 1), scale: Float64Array.from({ length: dim }, () => 0.5 + prng.nextFloat()) },
      loss,
      l2Strength,
    };
    if (loss.type === 'softmax' || minimumHingeDistance(input) > 1e-3) {
      return { input };
    }
  }
}

/** Smallest |s_j - s_y + margin| over all samples, to keep the check away from hinge kinks. */
function minimumHingeDistance(input: ObjectiveInput): number {
  const scores = referenceScores(input);
  const numClasses = input.bias.length;
  let minimum = Infinity;
  input.labels.forEach((label, i) => {
    for (let k = 0; k < numClasses; k++) {
      if (k !== label) {
        minimum = Math.min(minimum, Math.abs(scores[i * numClasses + k] - scores[i * numClasses + label] + input.loss.margin));
      }
    }
  });
  return minimum;
}

/** Scores by the textbook formula s = W ((x - mean) / scale) + b. */
function referenceScores(input: ObjectiveInput): Float64Array {
  const { dim, labels, features, weights, bias, standardization } = input;
  const numClasses = bias.length;
  const scores = new Float64Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    for (let k = 0; k < numClasses; k++) {
      let s = bias[k];
      for (let j = 0; j < dim; j++) {
        s += weights[k * dim + j] * ((features[i * dim + j] - standardization.mean[j]) / standardization.scale[j]);
      }
      scores[i * numClasses + k] = s;
    }
  }
  return scores;
}

/** Gradient by the textbook formula: mean over samples of dL/ds outer z, plus 2 lambda W. */
function referenceGradient(input: ObjectiveInput): { weights: Float64Array; bias: Float64Array } {
  const { dim, labels, features, weights, bias, standardization } = input;
  const numClasses = bias.length;
  const scores = referenceScores(input);
  const loss = createSampleLoss(input.loss);
  const dScores = new Float64Array(numClasses);
  const gradWeights = new Float64Array(weights.length);
  const gradBias = new Float64Array(numClasses);

  for (let i = 0; i < labels.length; i++) {
    loss(scores, i * numClasses, numClasses, labels[i], dScores, 0);
    for (let k = 0; k < numClasses; k++) {
      gradBias[k] += dScores[k] / labels.length;
      for (let j = 0; j < dim; j++) {
        const z = (features[i * dim + j] - standardization.mean[j]) / standardization.scale[j];
        gradWeights[k * dim + j] += (dScores[k] * z) / labels.length;
      }
    }
  }
  weights.forEach((w, i) => (gradWeights[i] += 2 * input.l2Strength * w));
  return { weights: gradWeights, bias: gradBias };
}

function numericalGradient(input: ObjectiveInput, parameter: 'weights' | 'bias'): Float64Array {
  const params = input[parameter] as Float64Array;
  const result = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const saved = params[i];
    params[i] = saved + STEP;
    const plus = computeObjective(input);
    params[i] = saved - STEP;
    const minus = computeObjective(input);
    params[i] = saved;
    result[i] = (plus - minus) / (2 * STEP);
  }
  return result;
}

function maxRelativeError(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i])));
  }
  return worst;
}

const losses: [string, LossConfig][] = [
  ['softmax', { type: 'softmax', margin: 1, squaredHinge: false }],
  ['svm', { type: 'svm', margin: 1, squaredHinge: false }],
  ['squared hinge', { type: 'svm', margin: 1, squaredHinge: true }],
];

describe('analytic gradient', () => {
  for (const [name, loss] of losses) {
    for (const l2Strength of [0, 0.3]) {
      for (const numClasses of [2, 3, 5]) {
        const label = `${name}, lambda ${l2Strength}, ${numClasses} classes`;

        it(`matches numerical gradient: ${label}`, () => {
          const { input } = makeProblem(loss, l2Strength, numClasses, numClasses + 10 * l2Strength);
          const gradient = { weights: new Float64Array(input.weights.length), bias: new Float64Array(numClasses) };
          computeObjective(input, gradient);

          expect(maxRelativeError(gradient.weights, numericalGradient(input, 'weights'))).toBeLessThan(TOLERANCE);
          expect(maxRelativeError(gradient.bias, numericalGradient(input, 'bias'))).toBeLessThan(TOLERANCE);
        });

        it(`matches textbook formula: ${label}`, () => {
          const { input } = makeProblem(loss, l2Strength, numClasses, numClasses + 10 * l2Strength);
          const gradient = { weights: new Float64Array(input.weights.length), bias: new Float64Array(numClasses) };
          computeObjective(input, gradient);
          const reference = referenceGradient(input);

          expect(maxRelativeError(gradient.weights, reference.weights)).toBeLessThan(1e-10);
          expect(maxRelativeError(gradient.bias, reference.bias)).toBeLessThan(1e-10);
        });
      }
    }
  }

  it('svm problems include samples outside the margin', () => {
    const { input } = makeProblem(losses[1][1], 0, 3, 3);
    const scores = referenceScores(input);
    const loss = createSampleLoss(input.loss);
    const zeroGradientRows = Array.from(input.labels).filter(
      (label, i) => loss(scores, i * 3, 3, label, new Float64Array(3), 0) === 0,
    ).length;

    expect(zeroGradientRows).toBeGreaterThan(0);
  });
});
