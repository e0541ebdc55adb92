import { describe, expect, it } from 'vitest';

import { IMAGENET_BGR_MEANS, preprocessPixels } from './preprocess.js';

describe('preprocessPixels', () => {
  const rgb = new Uint8Array([255, 128, 0, 10, 20, 30]);

  it('caffe swaps RGB to BGR and subtracts means', () => {
    const out = preprocessPixels(rgb, 'caffe');

    expect(out[0]).toBeCloseTo(0 - IMAGENET_BGR_MEANS[0], 4);
    expect(out[1]).toBeCloseTo(128 - IMAGENET_BGR_MEANS[1], 4);
    expect(out[2]).toBeCloseTo(255 - IMAGENET_BGR_MEANS[2], 4);
    expect(out[3]).toBeCloseTo(30 - 103.939, 4);
    expect(out[5]).toBeCloseTo(10 - 123.68, 4);
  });

  it('caffe does not scale', () => {
    const out = preprocessPixels(new Uint8Array([255, 255, 255]), 'caffe');

    expect(out[0]).toBeCloseTo(255 - 103.939, 4);
  });

  it('tf maps 0..255 to -1..1 in RGB order', () => {
    const out = preprocessPixels(rgb, 'tf');

    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(128 / 127.5 - 1, 6);
    expect(out[2]).toBeCloseTo(-1, 6);
  });

  it('rejects a length that is not RGB', () => {
    expect(() => preprocessPixels(new Uint8Array(4), 'tf')).toThrow(/multiple of 3/);
  });
});
