import { decimal, escapeHtml } from './html.js';

/** The losses of one epoch. */
export interface EpochLosses {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number | null;
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 40 };
const COLORS = { train: '#1f77b4', validation: '#d62728' };

/**
 * Draws the training and validation loss per epoch as an SVG line chart, on a y axis from
 * 0 to the largest finite loss. Epochs without a validation loss leave gaps.
 */
export function learningCurveSvg(history: readonly EpochLosses[]): string {
  const finite = history.flatMap((h) => [h.trainLoss, h.validationLoss]).filter(isFiniteNumber);
  if (history.length === 0 || finite.length === 0) {
    return '<p>No epochs were recorded.</p>';
  }

  const maxLoss = Math.max(...finite) || 1;
  const lastEpoch = Math.max(1, history[history.length - 1].epoch);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number) => MARGIN.left + (epoch / lastEpoch) * plotWidth;
  const y = (loss: number) => MARGIN.top + plotHeight - (loss / maxLoss) * plotHeight;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Training and validation loss per epoch">`,
    axes(plotWidth, plotHeight, lastEpoch, maxLoss),
    series(
      history.map((h) => [h.epoch, h.trainLoss]),
      x,
      y,
      COLORS.train,
      'train-loss',
    ),
    series(
      history.map((h) => [h.epoch, h.validationLoss]),
      x,
      y,
      COLORS.validation,
      'validation-loss',
    ),
    legend(),
    '</svg>',
  ];
  return parts.join('\n');
}

function axes(plotWidth: number, plotHeight: number, lastEpoch: number, maxLoss: number): string {
  const left = MARGIN.left;
  const bottom = MARGIN.top + plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const ty = MARGIN.top + plotHeight - f * plotHeight;
    return (
      `<line x1="${left - 4}" y1="${ty}" x2="${left + plotWidth}" y2="${ty}" stroke="#ddd"/>` +
      `<text x="${left - 6}" y="${ty + 4}" text-anchor="end" font-size="11">${escapeHtml(decimal(f * maxLoss))}</text>`
    );
  });
  return [
    ...ticks,
    `<line x1="${left}" y1="${bottom}" x2="${left + plotWidth}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${MARGIN.top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${left}" y="${bottom + 16}" font-size="11">0</text>`,
    `<text x="${left + plotWidth}" y="${bottom + 16}" text-anchor="end" font-size="11">${lastEpoch}</text>`,
    `<text x="${left + plotWidth / 2}" y="${bottom + 32}" text-anchor="middle" font-size="12">epoch</text>`,
    `<text x="14" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})">loss</text>`,
  ].join('\n');
}

function series(
  points: ReadonlyArray<readonly [number, number | null]>,
  x: (epoch: number) => number,
  y: (loss: number) => number,
  color: string,
  className: string,
): string {
  const segments: string[][] = [[]];
  for (const [epoch, loss] of points) {
    if (isFiniteNumber(loss)) {
      segments[segments.length - 1].push(`${x(epoch).toFixed(1)},${y(loss).toFixed(1)}`);
    } else if (segments[segments.length - 1].length > 0) {
      segments.push([]);
    }
  }
  return segments
    .filter((segment) => segment.length > 0)
    .map((segment) =>
      segment.length === 1
        ? `<circle class="${className}" cx="${segment[0].split(',')[0]}" cy="${segment[0].split(',')[1]}" r="3" fill="${color}"/>`
        : `<polyline class="${className}" fill="none" stroke="${color}" stroke-width="2" points="${segment.join(' ')}"/>`,
    )
    .join('\n');
}

function legend(): string {
  const x = WIDTH - MARGIN.right - 150;
  const y = MARGIN.top + 8;
  return [
    `<rect x="${x}" y="${y - 4}" width="12" height="3" fill="${COLORS.train}"/>`,
    `<text x="${x + 18}" y="${y}" font-size="12">training loss</text>`,
    `<rect x="${x}" y="${y + 12}" width="12" height="3" fill="${COLORS.validation}"/>`,
    `<text x="${x + 18}" y="${y + 16}" font-size="12">validation loss</text>`,
  ].join('\n');
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
