import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { seededUniform } from '../../shared/backbone/seeded-weights.js';

/** The two classes of the generated set. */
export const SYNTHETIC_LABELS = ['circles', 'squares'] as const;

/** Options for {@link writeSyntheticImages}. */
export interface SyntheticImageOptions {
  readonly dir: string;
  /** Images per class in the training set. */
  readonly trainPerClass: number;
  /** Images per class in the separate evaluation set. */
  readonly evalPerClass: number;
  /** @default 1 */
  readonly seed?: number;
  /** Side of each image in pixels. @default 128 */
  readonly size?: number;
}

/** Folders and labels of a generated image set. */
export interface SyntheticImageSet {
  /** One subfolder per label, to upload and train on. */
  readonly trainDir: string;
  /** One subfolder per label, never uploaded, to evaluate over HTTP. */
  readonly evalDir: string;
  readonly labels: readonly string[];
  readonly count: number;
}

/**
 * Writes a small labelled JPEG set with two visually distinct classes: warm-coloured
 * circles and cool-coloured squares, each at a random position, size and shade on a
 * background of random noise. The same seed gives the same images.
 */
export async function writeSyntheticImages(
  options: SyntheticImageOptions,
): Promise<SyntheticImageSet> {
  const random = seededUniform(options.seed ?? 1);
  const size = options.size ?? 128;
  const trainDir = join(options.dir, 'train');
  const evalDir = join(options.dir, 'eval');
  let count = 0;

  for (const [dir, perClass] of [
    [trainDir, options.trainPerClass],
    [evalDir, options.evalPerClass],
  ] as const) {
    for (const label of SYNTHETIC_LABELS) {
      await mkdir(join(dir, label), { recursive: true });
      for (let index = 0; index < perClass; index += 1) {
        const image = await renderImage(label, size, random);
        await writeFile(join(dir, label, `${label}-${String(index).padStart(3, '0')}.jpg`), image);
        count += 1;
      }
    }
  }
  return { trainDir, evalDir, labels: [...SYNTHETIC_LABELS], count };
}

async function renderImage(
  label: (typeof SYNTHETIC_LABELS)[number],
  size: number,
  random: () => number,
): Promise<Buffer> {
  const noise = Buffer.alloc(size * size * 3);
  const base = 90 + random() * 80;
  for (let index = 0; index < noise.length; index += 1) {
    noise[index] = Math.max(0, Math.min(255, base + (random() - 0.5) * 120));
  }

  const extent = size * (0.25 + random() * 0.2);
  const x = extent + random() * (size - 2 * extent);
  const y = extent + random() * (size - 2 * extent);
  const shape =
    label === 'circles'
      ? `<circle cx="${x}" cy="${y}" r="${extent}" fill="${color(0 + random() * 40, random)}"/>`
      : `<rect x="${x - extent}" y="${y - extent}" width="${2 * extent}" height="${2 * extent}" ` +
        `fill="${color(190 + random() * 50, random)}" transform="rotate(${random() * 30 - 15} ${x} ${y})"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${shape}</svg>`;

  return sharp(noise, { raw: { width: size, height: size, channels: 3 } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Builds an HSL colour with the given hue, a random strong saturation and a mid lightness. */
function color(hue: number, random: () => number): string {
  return `hsl(${hue.toFixed(0)}, ${(70 + random() * 30).toFixed(0)}%, ${(40 + random() * 20).toFixed(0)}%)`;
}
