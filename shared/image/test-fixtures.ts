// Image fixtures for tests, generated in memory so that the repository contains no binaries.
import { crc32, deflateSync } from 'node:zlib';

import sharp from 'sharp';

type Rgb = { r: number; g: number; b: number };

function solid(width: number, height: number, color: Rgb): sharp.Sharp {
  return sharp({ create: { width, height, channels: 3, background: color } });
}

export const RED: Rgb = { r: 255, g: 0, b: 0 };
export const BLUE: Rgb = { r: 0, g: 0, b: 255 };

export function jpegBaseline(width = 320, height = 240): Promise<Buffer> {
  return solid(width, height, { r: 200, g: 120, b: 40 }).jpeg({ quality: 90 }).toBuffer();
}

export function jpegProgressive(): Promise<Buffer> {
  return solid(320, 240, { r: 40, g: 160, b: 90 }).jpeg({ progressive: true }).toBuffer();
}

export function jpegGrayscale(): Promise<Buffer> {
  return solid(200, 300, { r: 128, g: 128, b: 128 }).toColourspace('b-w').jpeg().toBuffer();
}

export function jpegCmykRed(): Promise<Buffer> {
  return solid(120, 80, RED).toColourspace('cmyk').jpeg().toBuffer();
}

/** Makes a 200 x 100 JPEG, red on the left and blue on the right, with EXIF orientation 6. */
export async function jpegOrientation6(): Promise<Buffer> {
  const left = await solid(100, 100, RED).png().toBuffer();
  return solid(200, 100, BLUE)
    .composite([{ input: left, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function pngTransparent(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 4, background: { ...RED, alpha: 0 } } })
    .png()
    .toBuffer();
}

export function pngPalette(): Promise<Buffer> {
  return solid(64, 48, { r: 10, g: 200, b: 30 }).png({ palette: true }).toBuffer();
}

/** Makes a 16-bit grayscale PNG whose every sample is 0x8080, which is 128 in 8 bits. */
export function png16BitGray(): Promise<Buffer> {
  return solid(40, 30, { r: 128, g: 128, b: 128 }).toColourspace('grey16').png().toBuffer();
}

export function pngGrayAlpha(): Promise<Buffer> {
  return sharp({
    create: { width: 48, height: 48, channels: 4, background: { r: 90, g: 90, b: 90, alpha: 0.5 } },
  })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

export function webp(): Promise<Buffer> {
  return solid(100, 80, { r: 30, g: 60, b: 220 }).webp().toBuffer();
}

/** Makes a two-frame animated GIF: a red frame, then a blue one. */
export async function gifAnimatedRedThenBlue(): Promise<Buffer> {
  const red = await solid(32, 24, RED).png().toBuffer();
  const blue = await solid(32, 24, BLUE).png().toBuffer();
  return sharp([red, blue], { join: { animated: true } }).gif().toBuffer();
}

export function tiff(): Promise<Buffer> {
  return solid(16, 16, RED).tiff().toBuffer();
}

/** Makes a large noisy PNG, slow enough to decode that a 1 ms timeout always fires. */
export function pngLargeNoise(): Promise<Buffer> {
  return sharp({
    create: {
      width: 3000,
      height: 3000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Writes by hand a PNG whose IHDR claims the given size (100,000 x 100,000 by default) but
 * whose IDAT contains only a few compressed bytes: a decompression bomb in miniature.
 */
export function pngBombHeader(width = 100_000, height = 100_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Writes by hand a GIF whose logical screen and single frame claim 65,535 x 65,535 pixels,
 * followed by a few bytes of LZW data.
 */
export function gifBombHeader(): Buffer {
  const header = Buffer.from('GIF89a', 'ascii');
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(65_535, 0);
  screen.writeUInt16LE(65_535, 2);
  const frame = Buffer.alloc(10);
  frame[0] = 0x2c; // image separator
  frame.writeUInt16LE(65_535, 5);
  frame.writeUInt16LE(65_535, 7);
  const lzwData = Buffer.from([0x02, 0x02, 0x4c, 0x01, 0x00]);
  return Buffer.concat([header, screen, frame, lzwData, Buffer.from([0x3b])]);
}

/** Returns the first half of a baseline JPEG: the header is intact, the scan data stops midway. */
export async function jpegTruncated(): Promise<Buffer> {
  const whole = await sharp({
    create: {
      width: 256,
      height: 256,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg()
    .toBuffer();
  return whole.subarray(0, Math.floor(whole.length / 2));
}

export async function pngTruncated(): Promise<Buffer> {
  const whole = await pngPalette();
  return whole.subarray(0, whole.length - 20);
}

/** Returns a valid PNG signature followed by bytes that are not PNG chunks. */
export function pngCorruptHeader(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('these bytes are not a PNG IHDR chunk', 'ascii'),
  ]);
}

export const SVG_BYTES = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
);
