import { describe, expect, it } from 'vitest';
import { l2Penalty } from './l2-penalty.js';
import { softmax, softmaxCrossEntropy } from './softmax-loss.js';
import { createMulticlassHingeLoss } from './svm-loss.js';

function evaluate(loss: typeof softmaxCrossEntropy, scores: number[], label: number) {
  const grad = new Float64Array(scores.length);
  const value = loss(Float64Array.from(scores), 0, scores.length, label, grad, 0);
  return { value, grad: Array.from(grad) };
}

describe('softmax cross-entropy', () => {
  it('matches the formula on small scores', () => {
    const { value, grad } = evaluate(softmaxCrossEntropy, [1, 2, 3], 0);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);

    expect(value).toBeCloseTo(Math.log(z) - 1, 12);
    expect(grad[0]).toBeCloseTo(Math.exp(1) / z - 1, 12);
    expect(grad[2]).toBeCloseTo(Math.exp(3) / z, 12);
  });

  it('is finite at scores of 1e4', () => {
    const { value, grad } = evaluate(softmaxCrossEntropy, [1e4, -1e4, 0], 1);

    expect(value).toBe(2e4);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(grad[0]).toBeCloseTo(1, 12);
    expect(grad[1]).toBeCloseTo(-1, 12);
  });

  it('is zero for a confident correct sample at 1e4', () => {
    const { value, grad } = evaluate(softmaxCrossEntropy, [1e4, 0], 0);

    expect(value).toBe(0);
    expect(grad).toEqual([0, 0]);
  });

  it('softmax stays finite at 1e4', () => {
    const probabilities = softmax([1e4, 1e4 - Math.log(3), -1e4]);

    expect(probabilities[0]).toBeCloseTo(0.75, 12);
    expect(probabilities[1]).toBeCloseTo(0.25, 12);
    expect(probabilities[2]).toBe(0);
  });
});

describe('multiclass hinge loss', () => {
  const hinge = createMulticlassHingeLoss({ margin: 1, squared: false });
  const squared = createMulticlassHingeLoss({ margin: 1, squared: true });

  it('sums margin violations', () => {
    const { value, grad } = evaluate(hinge, [3, 2.5, 2.8], 0);

    expect(value).toBeCloseTo(0.5 + 0.8, 12);
    expect(grad).toEqual([-2, 1, 1]);
  });

  it('ignores classes outside the margin', () => {
    const { value, grad } = evaluate(hinge, [3, 1, 2.5], 0);

    expect(value).toBeCloseTo(0.5, 12);
    expect(grad).toEqual([-1, 0, 1]);
  });

  it('squares each violation', () => {
    const { value, grad } = evaluate(squared, [3, 2.5, 2.8], 0);

    expect(value).toBeCloseTo(0.25 + 0.64, 12);
    expect(grad[0]).toBeCloseTo(-2.6, 12);
    expect(grad[1]).toBeCloseTo(1, 12);
    expect(grad[2]).toBeCloseTo(1.6, 12);
  });

  it('uses the margin option', () => {
    const wide = createMulticlassHingeLoss({ margin: 2, squared: false });

    expect(evaluate(wide, [3, 1, 0], 0).value).toBe(0);
    expect(evaluate(wide, [3, 1.5, 0], 0).value).toBe(0.5);
  });

  it('is finite at scores of 1e4', () => {
    const { value, grad } = evaluate(hinge, [-1e4, 1e4], 0);

    expect(value).toBe(2e4 + 1);
    expect(grad).toEqual([-1, 1]);
  });
});

describe('l2 penalty', () => {
  it('has no factor one half', () => {
    expect(l2Penalty(Float32Array.from([1, -2, 3]), 0.5)).toBe(7);
  });
});
