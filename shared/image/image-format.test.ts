import { describe, expect, it } from 'vitest';

import { endsBeforeEndMarker, type ImageFormat } from './image-format.js';
import * as fixtures from './test-fixtures.js';

describe('endsBeforeEndMarker', () => {
  const cases: Array<[ImageFormat, () => Promise<Buffer>]> = [
    ['jpeg', () => fixtures.jpegBaseline()],
    ['png', fixtures.pngPalette],
    ['webp', fixtures.webp],
    ['gif', fixtures.gifAnimatedRedThenBlue],
  ];

  for (const [format, make] of cases) {
    it(`accepts a complete ${format}`, async () => {
      expect(endsBeforeEndMarker(await make(), format)).toBe(false);
    });

    it(`detects a cut ${format}`, async () => {
      const whole = await make();

      expect(endsBeforeEndMarker(whole.subarray(0, Math.floor(whole.length / 2)), format)).toBe(true);
    });
  }

  it('ignores zero padding after a JPEG', async () => {
    const padded = Buffer.concat([await fixtures.jpegBaseline(), Buffer.alloc(16)]);

    expect(endsBeforeEndMarker(padded, 'jpeg')).toBe(false);
  });
});
