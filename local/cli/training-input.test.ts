import { describe, expect, it } from 'vitest';
import { trainingInput } from './training-input.js';

describe('trainingInput', () => {
  it('leaves out options that are not set', () => {
    expect(trainingInput({})).toEqual({});
  });

  it('converts numbers and lists', () => {
    const input = trainingInput({
      loss: 'svm',
      epochs: '12',
      learningRate: '0.01',
      labels: 'cats, dogs',
    });

    expect(input).toEqual({
      loss: 'svm',
      epochs: 12,
      learningRate: 0.01,
      labels: ['cats', 'dogs'],
    });
  });

  it('rejects an unknown loss', () => {
    expect(() => trainingInput({ loss: 'hinge' })).toThrow(/invalid --loss "hinge"/);
  });

  it('rejects a value that is not a number', () => {
    expect(() => trainingInput({ epochs: 'ten' })).toThrow(/invalid --epochs/);
  });
});
