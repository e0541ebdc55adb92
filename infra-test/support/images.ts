import sharp from 'sharp';

/**
 * Draws a 96 x 96 PNG of one of two visually distinct classes: `warm` images are red-orange
 * with horizontal stripes, `cool` images blue-green with vertical stripes. `index` varies
 * the shade and stripe width, so that no two images are identical.
 */
export async function classImage(kind: 'warm' | 'cool', index: number): Promise<Buffer> {
  const size = 96;
  const pixels = Buffer.alloc(size * size * 3);
  const stripe = 6 + (index % 5) * 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = Math.floor((kind === 'warm' ? y : x) / stripe) % 2 === 0;
      const shade = (index * 37) % 60;
      const offset = (y * size + x) * 3;
      if (kind === 'warm') {
        pixels[offset] = on ? 230 - shade : 150;
        pixels[offset + 1] = on ? 90 + shade : 40;
        pixels[offset + 2] = 30;
      } else {
        pixels[offset] = 20;
        pixels[offset + 1] = on ? 120 + shade : 60;
        pixels[offset + 2] = on ? 220 - shade : 120;
      }
    }
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}
