import { describe, expect, it } from 'vitest';
import { glorotUniform } from './initialization.js';
import { Prng } from './prng.js';
import { StandardizationAccumulator } from './standardization.js';

describe('standardization', () => {
  const rows = [
    [1, 5, 10, 100],
    [3, 5, -10, 100.5],
    [5, 5, 0, 99.5],
    [7, 5, 4, 100],
  ];
  const dim = 4;
  const flat = Float32Array.from(rows.flat());

  it('computes population mean and std', () => {
    const acc = new StandardizationAccumulator(dim);
    acc.add(flat, rows.length);
    const { mean, scale } = acc.finish();

    expect(mean[0]).toBe(4);
    expect(scale[0]).toBeCloseTo(Math.sqrt(5), 6);
    expect(mean[2]).toBe(1);
    expect(scale[3]).toBeCloseTo(Math.sqrt(0.125), 6);
  });

  it('gives constant dimensions scale 1', () => {
    const acc = new StandardizationAccumulator(dim);
    acc.add(flat, rows.length);
    const { mean, scale } = acc.finish();

    expect(mean[1]).toBe(5);
    expect(scale[1]).toBe(1);
  });

  it('merges chunks like one pass', () => {
    const whole = new StandardizationAccumulator(dim);
    whole.add(flat, 4);
    const chunked = new StandardizationAccumulator(dim);
    chunked.add(flat.subarray(0, dim), 1);
    chunked.add(flat.subarray(dim), 3);

    const a = whole.finish();
    const b = chunked.finish();
    for (let j = 0; j < dim; j++) {
      expect(b.mean[j]).toBeCloseTo(a.mean[j], 6);
      expect(b.scale[j]).toBeCloseTo(a.scale[j], 6);
    }
  });

  it('reports the first non-finite dimension', () => {
    const acc = new StandardizationAccumulator(2);

    expect(acc.add(Float32Array.from([1, 2, 3, Number.NaN]), 2)).toBe(1);
  });
});

describe('glorot initialization', () => {
  it('stays within the Glorot limit', () => {
    const weights = glorotUniform(100, 4, new Prng(1));
    const limit = Math.sqrt(6 / 104);

    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...weights.map(Math.abs))).toBeGreaterThan(0.9 * limit);
  });

  it('is reproducible from the seed', () => {
    expect(glorotUniform(10, 3, new Prng(5))).toEqual(glorotUniform(10, 3, new Prng(5)));
    expect(glorotUniform(10, 3, new Prng(5))).not.toEqual(glorotUniform(10, 3, new Prng(6)));
  });
});

describe('prng', () => {
  it('restores its state exactly', () => {
    const prng = new Prng(42);
    prng.nextUint32();
    const copy = Prng.fromState(prng.saveState());

    expect(Array.from({ length: 5 }, () => copy.nextUint32())).toEqual(Array.from({ length: 5 }, () => prng.nextUint32()));
  });

  it('draws uniform integers in range', () => {
    const prng = new Prng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      counts[prng.nextInt(3)]++;
    }

    expect(Math.min(...counts)).toBeGreaterThan(900);
  });
});
