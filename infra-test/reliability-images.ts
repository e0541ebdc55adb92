import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** One odd or broken upload and the outcome the pipeline must reach for it. */
export interface ImageCase {
  /** Short name, used in the test name and the object key. */
  readonly name: string;
  /** File name under the label folder. */
  readonly file: string;
  readonly bytes: Buffer;
  /** `features`, or the `reason` code that the error record must carry. */
  readonly expected: 'features' | string;
}

/** Returns the raw RGB pixels of a small smooth gradient, the base of the valid cases. */
export function gradientPixels(width: number, height: number, seed = 0): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * 255) / Math.max(1, width - 1);
      pixels[offset + 1] = (y * 255) / Math.max(1, height - 1);
      pixels[offset + 2] = (seed * 53 + x + y) % 256;
    }
  }
  return pixels;
}

/** Returns a gradient as a sharp pipeline, ready for an output format. */
export function gradient(width: number, height: number, seed = 0): sharp.Sharp {
  return sharp(gradientPixels(width, height, seed), { raw: { width, height, channels: 3 } });
}

/** Encodes a small JPEG that differs per `seed`. */
export function smallJpeg(seed: number, size = 32): Promise<Buffer> {
  return gradient(size, size, seed).jpeg({ quality: 85 }).toBuffer();
}

/**
 * A PNG whose header claims `width` x `height` pixels, with one tiny IDAT chunk: a
 * decompression bomb that a decoder must reject from the header alone.
 */
export function pngWithClaimedSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Encodes a 6,000 x 4,000 JPEG that looks like a photo to the decoder: smooth regions with
 * noise, about 2-4 MB.
 */
export async function largePhoto(): Promise<Buffer> {
  const noise = await sharp({
    create: {
      width: 600,
      height: 400,
      channels: 3,
      background: { r: 90, g: 120, b: 160 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  return sharp(noise).resize(6000, 4000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
}

/** Every odd or broken image of the bad-input suite, with the outcome each must reach. */
export async function imageCases(): Promise<ImageCase[]> {
  const jpeg = await gradient(64, 48).jpeg().toBuffer();
  const webp = await gradient(64, 48).webp().toBuffer();
  const alpha = await sharp(gradientPixels(40, 40), { raw: { width: 40, height: 40, channels: 3 } })
    .ensureAlpha(0.3)
    .png()
    .toBuffer();

  return [
    { name: 'zero bytes', file: 'empty.jpg', bytes: Buffer.alloc(0), expected: 'empty' },
    {
      name: 'text named .jpg',
      file: 'notes.jpg',
      bytes: Buffer.from('this is a text file, not a picture\n'),
      expected: 'unsupported-format',
    },
    {
      name: 'truncated JPEG',
      file: 'truncated.jpg',
      bytes: (await gradient(256, 256).jpeg().toBuffer()).subarray(0, 700),
      expected: 'truncated',
    },
    {
      name: 'PNG claiming 100,000 x 100,000',
      file: 'bomb.png',
      bytes: pngWithClaimedSize(100_000, 100_000),
      expected: 'too-many-pixels',
    },
    { name: '6,000 x 4,000 photo', file: 'large.jpg', bytes: await largePhoto(), expected: 'features' },
    {
      name: '1 x 1 image',
      file: 'dot.png',
      bytes: await gradient(1, 1).png().toBuffer(),
      expected: 'features',
    },
    {
      name: 'grayscale',
      file: 'gray.png',
      bytes: await gradient(48, 48).toColourspace('b-w').png().toBuffer(),
      expected: 'features',
    },
    {
      name: 'CMYK JPEG',
      file: 'cmyk.jpg',
      bytes: await gradient(48, 48).toColourspace('cmyk').jpeg().toBuffer(),
      expected: 'features',
    },
    {
      name: 'progressive JPEG',
      file: 'progressive.jpg',
      bytes: await gradient(64, 64).jpeg({ progressive: true }).toBuffer(),
      expected: 'features',
    },
    {
      name: '16-bit PNG',
      file: 'deep.png',
      bytes: await gradient(48, 48).toColourspace('rgb16').png().toBuffer(),
      expected: 'features',
    },
    { name: 'alpha PNG', file: 'alpha.png', bytes: alpha, expected: 'features' },
    {
      name: 'palette PNG',
      file: 'palette.png',
      bytes: await gradient(48, 48).png({ palette: true, colours: 16 }).toBuffer(),
      expected: 'features',
    },
    {
      name: 'EXIF-rotated JPEG',
      file: 'rotated.jpg',
      bytes: await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      expected: 'features',
    },
    { name: 'WebP', file: 'picture.webp', bytes: webp, expected: 'features' },
    { name: 'GIF', file: 'picture.gif', bytes: await gradient(48, 48).gif().toBuffer(), expected: 'features' },
    { name: 'WebP named .png', file: 'disguised.png', bytes: webp, expected: 'features' },
  ];
}
