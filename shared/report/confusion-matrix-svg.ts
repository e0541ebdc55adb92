import { escapeHtml, shorten } from './html.js';

const CELL = 36;
const LABEL_WIDTH = 120;
const HEADER_HEIGHT = 110;
/** Above this many classes the counts are left out of the cells, which get too small. */
const MAX_CLASSES_WITH_COUNTS = 25;

/**
 * Draws a confusion matrix (rows: true class, columns: predicted class) as an SVG grid.
 * Each cell's blue shade is the share of its row, so a perfect model has a dark diagonal.
 */
export function confusionMatrixSvg(
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
): string {
  const k = labels.length;
  const cell = k > MAX_CLASSES_WITH_COUNTS ? Math.max(8, Math.floor(900 / k)) : CELL;
  const width = LABEL_WIDTH + k * cell + 8;
  const height = HEADER_HEIGHT + k * cell + 8;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Confusion matrix">`,
    `<text x="4" y="14" font-size="11">true \\ predicted</text>`,
  ];
  labels.forEach((label, j) => {
    const cx = LABEL_WIDTH + j * cell + cell / 2;
    parts.push(
      `<text x="${cx}" y="${HEADER_HEIGHT - 6}" font-size="11" transform="rotate(-60 ${cx} ${HEADER_HEIGHT - 6})">${escapeHtml(shorten(label, 16))}</text>`,
    );
  });

  matrix.forEach((row, i) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    const ty = HEADER_HEIGHT + i * cell;
    parts.push(
      `<text x="${LABEL_WIDTH - 6}" y="${ty + cell / 2 + 4}" text-anchor="end" font-size="11">${escapeHtml(shorten(labels[i], 16))}</text>`,
    );
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      const x = LABEL_WIDTH + j * cell;
      parts.push(
        `<rect x="${x}" y="${ty}" width="${cell}" height="${cell}" fill="${shade(share)}" stroke="#fff">` +
          `<title>${escapeHtml(`${labels[i]} predicted as ${labels[j]}: ${count}`)}</title></rect>`,
      );
      if (k <= MAX_CLASSES_WITH_COUNTS) {
        const color = share > 0.5 ? '#fff' : '#000';
        parts.push(
          `<text x="${x + cell / 2}" y="${ty + cell / 2 + 4}" text-anchor="middle" font-size="11" fill="${color}">${count}</text>`,
        );
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** From white (0) to dark blue (1). */
function shade(share: number): string {
  const light = [255, 255, 255];
  const dark = [8, 48, 107];
  const mix = light.map((l, c) => Math.round(l + (dark[c] - l) * share));
  return `rgb(${mix.join(',')})`;
}
