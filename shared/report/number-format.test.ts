import { describe, expect, it } from 'vitest';
import { formatFixed, formatPercent, formatSignificant, MISSING } from './number-format.js';

describe('formatFixed', () => {
  it('pads whole numbers to the decimals', () => {
    expect(formatFixed(1, 3)).toBe('1.000');
  });

  it('rounds to the decimals', () => {
    expect(formatFixed(0.96154, 3)).toBe('0.962');
  });

  it('shows a dash for a missing value', () => {
    expect(formatFixed(null, 3)).toBe(MISSING);
    expect(formatFixed(Number.NaN, 3)).toBe(MISSING);
  });
});

describe('formatSignificant', () => {
  it('rounds a learning rate to four digits', () => {
    expect(formatSignificant(0.0013020833333333333)).toBe('0.001302');
  });

  it('drops trailing zeros', () => {
    expect(formatSignificant(10)).toBe('10');
    expect(formatSignificant(0.0001)).toBe('0.0001');
  });

  it('shows a dash for a missing value', () => {
    expect(formatSignificant(undefined)).toBe(MISSING);
  });
});

describe('formatPercent', () => {
  it('shows one decimal', () => {
    expect(formatPercent(0.95238)).toBe('95.2%');
  });

  it('shows a dash for a missing value', () => {
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe(MISSING);
  });
});
