import { describe, expect, it } from 'vitest';
import { LinearProbeError } from './errors.js';
import type { LossConfig } from './loss.js';
import { computeObjective, type ObjectiveInput } from './objective.js';
import { Prng } from './prng.js';
import { SimdKernels } from './simd-kernels.js';
import { gaussian } from './test-fixtures.js';

// Float32 products and sums over at most a few thousand terms stay within about 1e-6 of
// float64 relative to the largest term; 2e-5 leaves room for the sums of a mini-batch.
const TOLERANCE = 2e-5;

const losses: [string, LossConfig][] = [
  ['softmax', { type: 'softmax', margin: 1, squaredHinge: false }],
  ['svm', { type: 'svm', margin: 1, squaredHinge: false }],
  ['squared hinge', { type: 'svm', margin: 1, squaredHinge: true }],
];

/** Largest absolute difference, relative to the largest absolute value of `expected`. */
function relativeDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return difference / (scale || 1);
}

function makeInput(loss: LossConfig, numClasses: number, rows: number, dim: number, seed: number): ObjectiveInput {
  const prng = new Prng(seed);
  const draw = (n: number, scale: number, shift = 0) => Float64Array.from({ length: n }, () => shift + scale * gaussian(prng));
  const features = Float32Array.from({ length: rows * dim }, () => Math.max(0, 1 + 2 * gaussian(prng)));
  return {
    weights: draw(numClasses * dim, 3 / Math.sqrt(dim)),
    bias: draw(numClasses, 0.5),
    features,
    labels: Int32Array.from({ length: rows }, () => prng.nextInt(numClasses)),
    dim,
    standardization: { mean: draw(dim, 0.5, 1), scale: Float64Array.from({ length: dim }, () => 0.5 + prng.nextFloat()) },
    loss,
    l2Strength: 0.01,
  };
}

function objectiveAndGradient(input: ObjectiveInput): { loss: number; weights: Float64Array; bias: Float64Array } {
  const gradient = { weights: new Float64Array(input.weights.length), bias: new Float64Array(input.bias.length) };
  const loss = computeObjective(input, gradient);
  return { loss, ...gradient };
}

describe('SimdKernels', () => {
  for (const dim of [1, 3, 4, 5, 8, 9, 15, 16, 17, 33, 1000]) {
    it(`scores and sums match float64: dim ${dim}`, () => {
      const weightRows = 3;
      const prng = new Prng(dim);
      const kernels = SimdKernels.create(weightRows, dim);
      if (kernels === null) {
        throw new Error('this runtime has no WebAssembly SIMD');
      }
      const rows = Float32Array.from({ length: 4 * dim }, () => gaussian(prng) + 3);
      const weights = Float64Array.from({ length: weightRows * dim }, () => Math.fround(gaussian(prng)));
      const standardization = {
        mean: Float32Array.from({ length: dim }, () => 3 + 0.1 * gaussian(prng)),
        scale: Float32Array.from({ length: dim }, () => 0.5 + prng.nextFloat()),
      };
      const grads = Float32Array.from({ length: 4 * weightRows }, () => gaussian(prng));
      const expectedScores = new Float64Array(4 * weightRows);
      const expectedSums = new Float64Array(weightRows * dim).fill(1);
      const scoreSums = new Float64Array(weightRows);
      for (let r = 0; r < 4; r++) {
        for (let k = 0; k < weightRows; k++) {
          scoreSums[k] += 2 * grads[r * weightRows + k];
          for (let j = 0; j < dim; j++) {
            const z = (rows[r * dim + j] - standardization.mean[j]) / standardization.scale[j];
            expectedScores[r * weightRows + k] += weights[k * dim + j] * z;
            expectedSums[k * dim + j] += 2 * grads[r * weightRows + k] * rows[r * dim + j];
          }
        }
      }

      kernels.loadStandardization(standardization);
      kernels.loadWeights(weights);
      for (let slot = 0; slot < 4; slot++) {
        kernels.stageRow(slot, rows, slot * dim);
      }
      kernels.standardizeStaged(4);
      kernels.scoreStaged();
      kernels.grads.set(grads);
      kernels.clearSums();
      kernels.accumulateStaged();
      kernels.accumulateStaged();
      const sums = new Float64Array(weightRows * dim).fill(1);
      kernels.addRawSumsTo(sums, standardization, scoreSums);

      expect(relativeDifference(kernels.scores, expectedScores)).toBeLessThan(1e-5);
      expect(relativeDifference(sums, expectedSums)).toBeLessThan(1e-5);
    });
  }

  it('standardizes only the counted rows', () => {
    const kernels = SimdKernels.create(1, 6);
    if (kernels === null) {
      throw new Error('this runtime has no WebAssembly SIMD');
    }
    const rows = new Float32Array(24).fill(5);
    kernels.loadStandardization({ mean: new Float32Array(6).fill(1), scale: new Float32Array(6).fill(2) });
    kernels.loadWeights(new Float64Array(6).fill(1));
    for (let slot = 0; slot < 4; slot++) {
      kernels.stageRow(slot, rows, slot * 6);
    }
    kernels.standardizeStaged(3);
    kernels.scoreStaged();

    expect(Array.from(kernels.scores)).toEqual([12, 12, 12, 30]);
  });

  it('create returns null past 1 GiB', () => {
    expect(SimdKernels.create(2000, 100_000)).toBeNull();
  });

  it('create rejects an empty shape', () => {
    expect(SimdKernels.create(0, 16)).toBeNull();
  });
});

describe('float32 training step', () => {
  for (const [name, loss] of losses) {
    for (const numClasses of [2, 3, 5]) {
      for (const rows of [1, 3, 4, 6, 13]) {
        it(`matches float64 loops: ${name}, ${numClasses} classes, ${rows} rows`, () => {
          const input = makeInput(loss, numClasses, rows, 37, numClasses * 100 + rows);
          const simd = objectiveAndGradient(input);
          const scalar = objectiveAndGradient({ ...input, features: Float64Array.from(input.features) });

          expect(Math.abs(simd.loss - scalar.loss)).toBeLessThan(TOLERANCE * Math.max(1, scalar.loss));
          expect(relativeDifference(simd.weights, scalar.weights)).toBeLessThan(TOLERANCE);
          expect(relativeDifference(simd.bias, scalar.bias)).toBeLessThan(TOLERANCE);
        });
      }
    }
  }

  it('matches float64 loops at 4,096 dimensions', () => {
    const input = makeInput(losses[0][1], 3, 64, 4096, 5);
    const simd = objectiveAndGradient(input);
    const scalar = objectiveAndGradient({ ...input, features: Float64Array.from(input.features) });

    expect(relativeDifference(simd.weights, scalar.weights)).toBeLessThan(TOLERANCE);
    expect(relativeDifference(simd.bias, scalar.bias)).toBeLessThan(TOLERANCE);
  });

  it('skips groups outside the margin', () => {
    const input = { ...makeInput(losses[1][1], 2, 16, 8, 3), bias: Float64Array.from([0, 0]) };
    const weights = new Float64Array(16);
    const features = new Float32Array(16 * 8).fill(1);
    weights.fill(5, 0, 8);
    const labels = new Int32Array(16);
    labels[15] = 1;
    const simd = objectiveAndGradient({ ...input, weights, features, labels, l2Strength: 0 });
    const scalar = objectiveAndGradient({ ...input, weights, features: Float64Array.from(features), labels, l2Strength: 0 });

    expect(simd.loss).toBeGreaterThan(0);
    expect(relativeDifference(simd.weights, scalar.weights)).toBeLessThan(TOLERANCE);
  });

  it('raises on a NaN feature', () => {
    const input = makeInput(losses[0][1], 2, 6, 9, 1);
    input.features[4 * 9 + 2] = Number.NaN;

    expect(() => computeObjective(input)).toThrow(LinearProbeError);
    expect(() => computeObjective(input)).toThrow(/Feature 2 of sample '4' is NaN/);
  });

  it('raises on an infinite feature', () => {
    const input = makeInput(losses[1][1], 3, 5, 9, 2);
    input.features[4 * 9] = Number.POSITIVE_INFINITY;

    expect(() => computeObjective(input)).toThrow(/Feature 0 of sample '4' is Infinity/);
  });
});
