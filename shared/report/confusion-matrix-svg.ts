import { escapeHtml, shorten } from './html.js';

/** Cell size in px while the matrix fits MAX_GRID_SIZE. */
const MAX_CELL = 56;
const MIN_CELL = 10;
const MAX_GRID_SIZE = 700;
/** Smaller cells leave the counts out: they would not be legible. */
const MIN_CELL_WITH_COUNTS = 28;
const MAX_LABEL_CHARS = 16;
const LABEL_FONT_SIZE = 12;
/** Estimated width of one character of a class label, in px, at LABEL_FONT_SIZE. */
const CHAR_WIDTH = 7;
/** Height of the band that contains an axis title, in px. */
const TITLE_BAND = 24;
const LEGEND_HEIGHT = 60;

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];
const EMPTY_FILL = 'rgb(250,250,250)';
/** Hue of correct predictions (the diagonal). */
const CORRECT_DARK: Rgb = [8, 48, 107];
/** Hue of errors (off the diagonal), distinct from CORRECT_DARK. */
const ERROR_DARK: Rgb = [165, 15, 21];
/** Shade of the smallest non-zero cell, so that a single mistake is still clearly visible. */
const MIN_SHADE = 0.3;

/** Pixel layout of the matrix. */
interface Layout {
  readonly cell: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly rotateColumnLabels: boolean;
  readonly showCounts: boolean;
  /** Font size of the class labels: LABEL_FONT_SIZE, smaller when cells are too small for it. */
  readonly labelFontSize: number;
}

/**
 * Draws a confusion matrix (rows: true class, columns: predicted class) as an SVG grid
 * with axis titles. Diagonal cells are blue, shaded by their share of the row (the class
 * recall). Error cells are red, shaded by their count relative to the largest error count.
 */
export function confusionMatrixSvg(
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
): string {
  const shortLabels = labels.map((label) => shorten(label, MAX_LABEL_CHARS));
  const layout = layoutOf(shortLabels);
  const maxError = matrix.reduce(
    (max, row, i) => row.reduce((rowMax, count, j) => (j === i ? rowMax : Math.max(rowMax, count)), max),
    0,
  );

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="Confusion matrix">`,
    axisTitles(layout, labels.length),
    columnLabels(layout, shortLabels),
    ...matrix.map((row, i) => matrixRow(layout, labels, shortLabels, row, i, maxError)),
    colorLegend(layout, labels.length),
    '</svg>',
  ].join('\n');
}

function layoutOf(shortLabels: readonly string[]): Layout {
  const k = shortLabels.length;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(MAX_GRID_SIZE / Math.max(1, k))));
  const labelWidth = Math.max(1, ...shortLabels.map((label) => label.length)) * CHAR_WIDTH;
  const rotateColumnLabels = labelWidth > cell - 6;
  const columnLabelHeight = rotateColumnLabels ? labelWidth * Math.SQRT1_2 + 12 : 20;
  const left = TITLE_BAND + labelWidth + 10;
  const top = TITLE_BAND + columnLabelHeight;
  const overhang = rotateColumnLabels ? labelWidth * Math.SQRT1_2 : 0;
  return {
    cell,
    left,
    top,
    width: Math.ceil(Math.max(left + k * cell + overhang, left + 340) + 8),
    height: Math.ceil(top + k * cell + LEGEND_HEIGHT),
    rotateColumnLabels,
    showCounts: cell >= MIN_CELL_WITH_COUNTS,
    labelFontSize: Math.min(LABEL_FONT_SIZE, Math.max(7, Math.floor(cell * 0.6))),
  };
}

function axisTitles(layout: Layout, k: number): string {
  const gridMidX = layout.left + (k * layout.cell) / 2;
  const gridMidY = layout.top + (k * layout.cell) / 2;
  return [
    `<text class="axis-title" x="${gridMidX}" y="16" text-anchor="middle" font-size="13" font-weight="bold">predicted class</text>`,
    `<text class="axis-title" x="14" y="${gridMidY}" text-anchor="middle" font-size="13" font-weight="bold" transform="rotate(-90 14 ${gridMidY})">true class</text>`,
  ].join('\n');
}

function columnLabels(layout: Layout, shortLabels: readonly string[]): string {
  return shortLabels
    .map((label, j) => {
      const cx = layout.left + j * layout.cell + layout.cell / 2;
      const y = layout.top - 6;
      const text = escapeHtml(label);
      return layout.rotateColumnLabels
        ? `<text x="${cx}" y="${y}" font-size="${layout.labelFontSize}" transform="rotate(-45 ${cx} ${y})">${text}</text>`
        : `<text x="${cx}" y="${y}" text-anchor="middle" font-size="${layout.labelFontSize}">${text}</text>`;
    })
    .join('\n');
}

function matrixRow(
  layout: Layout,
  labels: readonly string[],
  shortLabels: readonly string[],
  row: readonly number[],
  i: number,
  maxError: number,
): string {
  const total = row.reduce((sum, n) => sum + n, 0);
  const y = layout.top + i * layout.cell;
  const parts = [
    `<text x="${layout.left - 8}" y="${y + layout.cell / 2}" dy="0.35em" text-anchor="end" font-size="${layout.labelFontSize}">${escapeHtml(shortLabels[i])}</text>`,
  ];

  row.forEach((count, j) => {
    const fill = cellFill(count, i === j ? count / Math.max(1, total) : count / Math.max(1, maxError), i === j);
    const x = layout.left + j * layout.cell;
    const kind = i === j ? 'correct' : 'error';
    parts.push(
      `<rect class="${kind}" x="${x}" y="${y}" width="${layout.cell}" height="${layout.cell}" fill="${fill.css}" stroke="#fff" stroke-width="${layout.showCounts ? 2 : 1}">` +
        `<title>${escapeHtml(`true ${labels[i]}, predicted ${labels[j]}: ${count} of ${total}`)}</title></rect>`,
    );
    if (layout.showCounts) {
      const fontSize = layout.cell >= 44 ? 15 : 12;
      let textColor = fill.dark ? '#fff' : '#111';
      if (count === 0) {
        textColor = '#aaa';
      }
      parts.push(
        `<text x="${x + layout.cell / 2}" y="${y + layout.cell / 2}" dy="0.35em" text-anchor="middle" font-size="${fontSize}" font-weight="${count === 0 ? 'normal' : 'bold'}" fill="${textColor}">${count}</text>`,
      );
    }
  });
  return parts.join('\n');
}

/**
 * Returns the fill of a cell and whether it is dark enough to need white text. `shade`
 * in [0, 1] moves from MIN_SHADE to the dark end of the cell's hue.
 */
function cellFill(count: number, shade: number, correct: boolean): { css: string; dark: boolean } {
  if (count === 0) {
    return { css: EMPTY_FILL, dark: false };
  }
  const dark = correct ? CORRECT_DARK : ERROR_DARK;
  const t = MIN_SHADE + (1 - MIN_SHADE) * Math.min(1, Math.max(0, shade));
  const rgb = WHITE.map((w, c) => Math.round(w + (dark[c] - w) * t));
  const luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
  return { css: `rgb(${rgb.join(',')})`, dark: luminance < 0.5 };
}

function colorLegend(layout: Layout, k: number): string {
  const y = layout.top + k * layout.cell + 16;
  const swatch = (dy: number, rgb: Rgb, text: string) =>
    `<rect x="${layout.left}" y="${y + dy}" width="14" height="14" fill="rgb(${rgb.join(',')})"/>` +
    `<text x="${layout.left + 20}" y="${y + dy + 7}" dy="0.35em" font-size="${LABEL_FONT_SIZE}">${text}</text>`;
  return [
    swatch(0, CORRECT_DARK, 'correct: darker for a larger share of the true class'),
    swatch(20, ERROR_DARK, 'error: darker for more images'),
  ].join('\n');
}
