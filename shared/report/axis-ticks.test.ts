import { describe, expect, it } from 'vitest';
import { epochTicks, linearTicks, logTicks, niceStep } from './axis-ticks.js';

describe('niceStep', () => {
  it.each([
    [0.15, 0.2],
    [0.26, 0.5],
    [0.1, 0.1],
    [3, 5],
    [7, 10],
    [0.00084, 0.001],
  ])('rounds %f up to %f', (rough, step) => {
    expect(niceStep(rough)).toBe(step);
  });

  it('rejects a zero step', () => {
    expect(() => niceStep(0)).toThrow(/Invalid tick step 0/);
  });
});

describe('linearTicks', () => {
  it('widens a loss range to round ticks', () => {
    const axis = linearTicks(0, 0.7488);

    expect(axis.labels).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8']);
    expect(axis.min).toBe(0);
    expect(axis.max).toBe(0.8);
  });

  it('gives every label the step decimals', () => {
    expect(linearTicks(0, 0.36).labels).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4']);
    expect(linearTicks(0, 0.0042).labels).toEqual([
      '0.000',
      '0.001',
      '0.002',
      '0.003',
      '0.004',
      '0.005',
    ]);
  });

  it('spreads an empty range to one unit', () => {
    const axis = linearTicks(0, 0);

    expect(axis.min).toBe(0);
    expect(axis.max).toBe(1);
  });

  it('keeps at most one tick over the maximum', () => {
    const axis = linearTicks(0, 1.3, 6);

    expect(axis.ticks.length).toBeLessThanOrEqual(7);
    expect(axis.ticks.at(-2)!).toBeLessThan(1.3);
  });
});

describe('logTicks', () => {
  it('adds 2 and 5 within two decades', () => {
    const axis = logTicks(0.0251, 0.7488);

    expect(axis.ticks).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(axis.labels[0]).toBe('0.01');
  });

  it('ticks only powers of 10 over many decades', () => {
    expect(logTicks(0.001, 50).ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
  });

  it('spans a decade for equal bounds', () => {
    const axis = logTicks(0.1, 0.1);

    expect(axis.min).toBe(0.1);
    expect(axis.max).toBe(1);
  });

  it('rejects a zero bound', () => {
    expect(() => logTicks(0, 1)).toThrow(/greater than 0/);
  });
});

describe('epochTicks', () => {
  it.each([
    [1, [1]],
    [5, [1, 2, 3, 4, 5]],
    [12, [2, 4, 6, 8, 10, 12]],
    [20, [1, 5, 10, 15, 20]],
    [41, [1, 5, 10, 15, 20, 25, 30, 35, 40]],
    [200, [1, 50, 100, 150, 200]],
  ])('ticks %i epochs', (lastEpoch, ticks) => {
    expect(epochTicks(lastEpoch)).toEqual(ticks);
  });
});
