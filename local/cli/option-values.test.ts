import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from './concurrency.js';
import { parsePositiveInteger } from './option-values.js';

describe('parsePositiveInteger', () => {
  it('accepts a positive integer', () => {
    expect(parsePositiveInteger('8', '--concurrency')).toBe(8);
  });

  it.each(['0', '-1', '0.5', 'abc', ''])('rejects %j', (value) => {
    expect(() => parsePositiveInteger(value, '--concurrency')).toThrow(
      `invalid --concurrency ${JSON.stringify(value)}`,
    );
  });
});

describe('mapWithConcurrency', () => {
  it('keeps item order', async () => {
    const doubled = await mapWithConcurrency([3, 1, 2], 2, async (item) => item * 2);
    expect(doubled).toEqual([6, 2, 4]);
  });

  it('rejects a limit below 1', async () => {
    await expect(mapWithConcurrency([1], 0, async (item) => item)).rejects.toThrow(RangeError);
  });
});
