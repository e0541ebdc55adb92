import { describe, expect, it } from 'vitest';

import { centerCropRegion, resizeRegion } from './center-crop.js';
import { decodeImage, type DecodedImage } from './decode-image.js';
import { ImageDecodeError, type ImageDecodeReason } from './image-decode-error.js';
import * as fixtures from './test-fixtures.js';

const SIDE = 224;

function pixelAt(image: DecodedImage, x: number, y: number): [number, number, number] {
  const i = (y * SIDE + x) * 3;
  return [image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]];
}

async function decodeFailure(
  bytes: Uint8Array,
  options?: Parameters<typeof decodeImage>[1],
): Promise<ImageDecodeError> {
  try {
    await decodeImage(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageDecodeError);
    return error as ImageDecodeError;
  }
  throw new Error('decodeImage resolved, expected an ImageDecodeError');
}

describe('decodeImage formats', () => {
  const cases: Array<[string, () => Promise<Buffer>, string]> = [
    ['baseline JPEG', () => fixtures.jpegBaseline(), 'jpeg'],
    ['progressive JPEG', fixtures.jpegProgressive, 'jpeg'],
    ['grayscale JPEG', fixtures.jpegGrayscale, 'jpeg'],
    ['CMYK JPEG', fixtures.jpegCmykRed, 'jpeg'],
    ['PNG with alpha', fixtures.pngTransparent, 'png'],
    ['palette PNG', fixtures.pngPalette, 'png'],
    ['16-bit PNG', fixtures.png16BitGray, 'png'],
    ['gray + alpha PNG', fixtures.pngGrayAlpha, 'png'],
    ['WebP', fixtures.webp, 'webp'],
    ['animated GIF', fixtures.gifAnimatedRedThenBlue, 'gif'],
  ];

  it.each(cases)('%s gives 224x224x3', async (_name, make, format) => {
    const image = await decodeImage(await make());

    expect(image.width).toBe(SIDE);
    expect(image.height).toBe(SIDE);
    expect(image.channels).toBe(3);
    expect(image.pixels.length).toBe(SIDE * SIDE * 3);
    expect(image.source.format).toBe(format);
  });

  it('reports the source size', async () => {
    const image = await decodeImage(await fixtures.jpegBaseline(320, 240));

    expect(image.source.width).toBe(320);
    expect(image.source.height).toBe(240);
  });

  it('converts CMYK to RGB', async () => {
    const [r, g, b] = pixelAt(await decodeImage(await fixtures.jpegCmykRed()), 112, 112);

    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
  });

  it('scales 16-bit samples to 8 bits', async () => {
    const image = await decodeImage(await fixtures.png16BitGray());

    expect(pixelAt(image, 100, 100)).toEqual([128, 128, 128]);
  });

  it('flattens transparency onto white', async () => {
    const image = await decodeImage(await fixtures.pngTransparent());

    expect(pixelAt(image, 10, 10)).toEqual([255, 255, 255]);
  });

  it('takes the first GIF frame', async () => {
    const [r, g, b] = pixelAt(await decodeImage(await fixtures.gifAnimatedRedThenBlue()), 112, 112);

    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(40);
    expect(b).toBeLessThan(40);
  });

  it('applies EXIF orientation 6', async () => {
    const image = await decodeImage(await fixtures.jpegOrientation6());
    const [topR, , topB] = pixelAt(image, 112, 20);
    const [bottomR, , bottomB] = pixelAt(image, 112, 200);

    expect(image.source.width).toBe(100);
    expect(image.source.height).toBe(200);
    expect(topR).toBeGreaterThan(200);
    expect(topB).toBeLessThan(60);
    expect(bottomB).toBeGreaterThan(200);
    expect(bottomR).toBeLessThan(60);
  });
});

describe('decodeImage failures', () => {
  const cases: Array<[string, () => Promise<Uint8Array> | Uint8Array, ImageDecodeReason]> = [
    ['empty input', () => new Uint8Array(0), 'empty'],
    ['random bytes', () => Buffer.from('definitely not an image, just text'), 'unsupported-format'],
    ['SVG', () => fixtures.SVG_BYTES, 'unsupported-format'],
    ['TIFF', fixtures.tiff, 'unsupported-format'],
    ['PNG claiming 100,000 x 100,000', () => fixtures.pngBombHeader(), 'too-many-pixels'],
    ['GIF claiming 65,535 x 65,535', () => fixtures.gifBombHeader(), 'too-many-pixels'],
    ['truncated JPEG', fixtures.jpegTruncated, 'truncated'],
    ['truncated PNG', fixtures.pngTruncated, 'truncated'],
    ['corrupt PNG header', () => fixtures.pngCorruptHeader(), 'corrupt'],
  ];

  it.each(cases)('%s is rejected', async (_name, make, reason) => {
    const error = await decodeFailure(await make());

    expect(error.reason).toBe(reason);
  });

  it('rejects input over the byte limit', async () => {
    const error = await decodeFailure(await fixtures.jpegBaseline(), { maxInputBytes: 100 });

    expect(error.reason).toBe('too-large');
  });

  it('rejects pixels over a custom limit', async () => {
    const error = await decodeFailure(await fixtures.jpegBaseline(320, 240), {
      maxInputPixels: 320 * 240 - 1,
    });

    expect(error.reason).toBe('too-many-pixels');
  });

  it('times out on a slow decode', async () => {
    const error = await decodeFailure(await fixtures.pngLargeNoise(), { timeoutMs: 1 });

    expect(error.reason).toBe('timeout');
  });

  it('names the value in the message', async () => {
    const error = await decodeFailure(fixtures.pngBombHeader());

    expect(error.message).toContain('100000 x 100000');
  });
});

describe('centerCropRegion', () => {
  it('keeps 224/256 of the shorter side', () => {
    expect(centerCropRegion(512, 256)).toEqual({ left: 144, top: 16, width: 224, height: 224 });
  });

  it('handles extreme aspect ratios', () => {
    expect(centerCropRegion(1, 60_000)).toEqual({ left: 0, top: 29_999, width: 1, height: 1 });
  });

  it('rejects a zero size', () => {
    expect(() => centerCropRegion(0, 10)).toThrow(RangeError);
  });
});

describe('resize policies', () => {
  // A 400 x 100 strip: a 40 px red band at each end, blue between.
  async function bandedStrip(): Promise<Buffer> {
    const sharp = (await import('sharp')).default;
    const band = { width: 40, height: 100, channels: 3 as const, background: { r: 255, g: 0, b: 0 } };
    const redBand = await sharp({ create: band }).png().toBuffer();
    return sharp({ create: { width: 400, height: 100, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .composite([
        { input: redBand, left: 0, top: 0 },
        { input: redBand, left: 360, top: 0 },
      ])
      .png()
      .toBuffer();
  }

  it('direct resize keeps the edges', async () => {
    const image = await decodeImage(await bandedStrip(), { resize: 'direct' });

    expect(pixelAt(image, 2, 112)[0]).toBeGreaterThan(200);
    expect(pixelAt(image, 221, 112)[0]).toBeGreaterThan(200);
    expect(pixelAt(image, 112, 112)[2]).toBeGreaterThan(200);
  });

  it('is direct by default', async () => {
    const bytes = await bandedStrip();
    const byDefault = await decodeImage(bytes);
    const direct = await decodeImage(bytes, { resize: 'direct' });

    expect(Buffer.from(byDefault.pixels).equals(Buffer.from(direct.pixels))).toBe(true);
  });

  it('center crop drops the edges', async () => {
    const image = await decodeImage(await bandedStrip(), { resize: 'center-crop' });

    expect(pixelAt(image, 2, 112)[2]).toBeGreaterThan(200);
    expect(pixelAt(image, 221, 112)[2]).toBeGreaterThan(200);
  });
});

describe('resizeRegion', () => {
  it('direct takes the whole image', () => {
    expect(resizeRegion(512, 256, 'direct')).toEqual({ left: 0, top: 0, width: 512, height: 256 });
  });

  it('rejects an unknown policy', () => {
    expect(() => resizeRegion(10, 10, 'stretch' as never)).toThrow(/unknown resize policy/);
  });
});

describe('decodeImage under concurrency', () => {
  it('reports truncation for every concurrent decode', async () => {
    const truncated = await fixtures.jpegTruncated();
    const text = Buffer.from('plain text, not an image');

    for (let round = 0; round < 4; round++) {
      const inputs = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? truncated : text));
      const outcomes = await Promise.allSettled(inputs.map((bytes) => decodeImage(bytes)));

      outcomes.forEach((outcome, i) => {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as ImageDecodeError;
        expect(reason.reason).toBe(i % 2 === 0 ? 'truncated' : 'unsupported-format');
      });
    }
  });
});
