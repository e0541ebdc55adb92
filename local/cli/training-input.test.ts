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

describe('trainingInput ranges', () => {
  it('rejects zero epochs with the flag', () => {
    expect(() => trainingInput({ epochs: '0' })).toThrow(
      'Invalid --epochs: 0. Set it to an integer of at least 1.',
    );
  });

  it('rejects negative epochs', () => {
    expect(() => trainingInput({ epochs: '-3' })).toThrow(/Invalid --epochs: -3/);
  });

  it('rejects an unknown split mode', () => {
    expect(() => trainingInput({ split: 'random' })).toThrow(/--split must be "hash" or "folder"/);
  });

  it('rejects a validation fraction above 0.5', () => {
    expect(() => trainingInput({ validationFraction: '0.9' })).toThrow(
      /invalid --validation-fraction 0.9/,
    );
  });
});
