import { describe, expect, it } from 'vitest';
import type { LinearModel } from './model.js';
import { predict } from './predict.js';

/** Builds a model on 2-dimensional features with identity standardization and hand-set weights. */
function handModel(thresholds: number[] = [0, 0, 0]): LinearModel {
  return {
    labels: ['cat', 'dog', 'fox'],
    dim: 2,
    mean: new Float32Array(2),
    scale: Float32Array.from([1, 1]),
    weights: Float32Array.from([1, 0, 0, 1, -1, -1]),
    bias: Float32Array.from([0, 0, 0]),
    thresholds,
    loss: { type: 'svm', margin: 1, squaredHinge: false },
    hyperparameters: {} as LinearModel['hyperparameters'],
    backbone: { id: 'toy', featureLayer: 'toy' },
    validation: null,
    training: {} as LinearModel['training'],
  };
}

describe('predict', () => {
  it('returns the top label and sorted scores', () => {
    const result = predict(handModel(), [2, 1]);

    expect(result.label).toBe('cat');
    expect(result.scores.map((s) => s.label)).toEqual(['cat', 'dog', 'fox']);
    expect(result.scores.map((s) => s.score)).toEqual([2, 1, -3]);
  });

  it('defines confidence as the softmax of the scores', () => {
    const result = predict(handModel(), [2, 1]);
    const z = Math.exp(2) + Math.exp(1) + Math.exp(-3);

    expect(result.confidence).toBeCloseTo(Math.exp(2) / z, 12);
    expect(result.scores[1].confidence).toBeCloseTo(Math.exp(1) / z, 12);
  });

  it('limits the list to top k', () => {
    expect(predict(handModel(), [2, 1], { topK: 2 }).scores).toHaveLength(2);
  });

  it('reports no confident label below minConfidence', () => {
    const result = predict(handModel(), [2, 1], { minConfidence: 0.9 });

    expect(result.label).toBeNull();
    expect(result.topLabel).toBe('cat');
    expect(result.rejection).toBe('below-min-confidence');
  });

  it('reports no confident label below the class threshold', () => {
    const result = predict(handModel([0.8, 0, 0]), [2, 1]);

    expect(result.label).toBeNull();
    expect(result.rejection).toBe('below-class-threshold');
  });

  it('accepts a confident label above the class threshold', () => {
    expect(predict(handModel([0.8, 0, 0]), [9, 1]).label).toBe('cat');
  });

  it('rejects a vector of the wrong length', () => {
    expect(() => predict(handModel(), [1, 2, 3], { id: 'images/cat/1.jpg' })).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH', message: expect.stringContaining('images/cat/1.jpg') }),
    );
  });

  it('rejects a NaN feature', () => {
    expect(() => predict(handModel(), [1, Number.NaN])).toThrow(expect.objectContaining({ code: 'NON_FINITE_FEATURE' }));
  });

  it('rejects invalid options', () => {
    expect(() => predict(handModel(), [1, 2], { topK: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_HYPERPARAMETER' }));
    expect(() => predict(handModel(), [1, 2], { minConfidence: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_HYPERPARAMETER' }),
    );
  });
});
