import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { integerOption, isUsageError, UsageError } from './arguments.js';

describe('integerOption', () => {
  it('parses an integer at the minimum', () => {
    expect(integerOption('runs', '5', 5)).toBe(5);
  });

  it.each(['4', '5.5', 'x', '', ' '])('rejects %j for a minimum of 5', (text) => {
    expect(() => integerOption('runs', text, 5)).toThrow(UsageError);
  });

  it('names the option and the minimum', () => {
    expect(() => integerOption('runs', '2', 5)).toThrow(
      "invalid --runs '2': use an integer of at least 5",
    );
  });
});

describe('isUsageError', () => {
  it('accepts a UsageError', () => {
    expect(isUsageError(new UsageError('bad'))).toBe(true);
  });

  it('accepts an unknown option from parseArgs', () => {
    let caught: unknown;
    try {
      parseArgs({ args: ['--bogus'], options: {} });
    } catch (error) {
      caught = error;
    }

    expect(isUsageError(caught)).toBe(true);
  });

  it('rejects other errors', () => {
    expect(isUsageError(new Error('disk full'))).toBe(false);
    expect(isUsageError('text')).toBe(false);
    expect(isUsageError(null)).toBe(false);
  });
});
