import { epochTicks, linearTicks, logTicks, type AxisTicks } from './axis-ticks.js';
import { escapeHtml } from './html.js';

/** The losses of one epoch. */
export interface EpochLosses {
  /** 0-based epoch index. The chart numbers epochs from 1. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number | null;
}

/** Options of {@link learningCurveSvg}. */
export interface LearningCurveOptions {
  /**
   * 0-based epoch whose weights were kept (the lowest validation loss), marked by a dashed
   * vertical line.
   * @default no mark
   */
  readonly keptEpoch?: number | null;
}

const WIDTH = 720;
const HEIGHT = 360;
const TOP = 36;
const RIGHT = 20;
const BOTTOM = 44;
const FONT_SIZE = 11;
/** Estimated width of one character of a tick label, in px, at FONT_SIZE (digits, '.', 'e'). */
const CHAR_WIDTH = 6.5;
/** A loss range wider than this ratio (one decade) gets a log scale. */
const LOG_SCALE_RATIO = 10;
const COLORS = { train: '#1f77b4', validation: '#d62728', kept: '#444' };

/** A vertical loss axis: its ticks and the height fraction (0 at the bottom) of a loss. */
interface LossAxis {
  readonly ticks: AxisTicks;
  readonly log: boolean;
  readonly fraction: (loss: number) => number;
}

/** Pixel positions of the plot area and the mappings from data to pixels. */
interface Plot {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly lastEpoch: number;
  readonly x: (epochIndex: number) => number;
  readonly y: (loss: number) => number;
}

/**
 * Draws the training and validation loss per epoch as an SVG line chart. The y axis is
 * linear from 0, or logarithmic when the positive losses span more than a decade, with
 * round ticks either way. Epochs without a validation loss leave gaps.
 */
export function learningCurveSvg(
  history: readonly EpochLosses[],
  options: LearningCurveOptions = {},
): string {
  const finite = history.flatMap((h) => [h.trainLoss, h.validationLoss]).filter(isFiniteNumber);
  if (history.length === 0 || finite.length === 0) {
    return '<p>No epochs were recorded.</p>';
  }

  const axis = lossAxis(finite);
  const plot = plotArea(axis, Math.max(...history.map((h) => h.epoch)) + 1);
  const kept = history.find((h) => h.epoch === options.keptEpoch);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Training and validation loss per epoch">`,
    yAxis(plot, axis),
    xAxis(plot),
    series(history.map((h) => [h.epoch, h.trainLoss]), plot, COLORS.train, 'train-loss'),
    series(history.map((h) => [h.epoch, h.validationLoss]), plot, COLORS.validation, 'validation-loss'),
    kept === undefined ? '' : keptEpochMark(plot, kept),
    legend(kept !== undefined),
    '</svg>',
  ].join('\n');
}

function lossAxis(losses: readonly number[]): LossAxis {
  const min = Math.min(...losses);
  const max = Math.max(...losses);

  if (min > 0 && max / min > LOG_SCALE_RATIO) {
    const ticks = logTicks(min, max);
    const low = Math.log10(ticks.min);
    const span = Math.log10(ticks.max) - low;
    return { ticks, log: true, fraction: (loss) => (Math.log10(loss) - low) / span };
  }
  const ticks = linearTicks(Math.min(0, min), max);
  return { ticks, log: false, fraction: (loss) => (loss - ticks.min) / (ticks.max - ticks.min) };
}

/** Sizes the left margin to the longest tick label, so that the axis title never overlaps it. */
function plotArea(axis: LossAxis, lastEpoch: number): Plot {
  const labelWidth = Math.max(...axis.ticks.labels.map((label) => label.length)) * CHAR_WIDTH;
  const left = Math.ceil(24 + labelWidth + 10);
  const right = WIDTH - RIGHT;
  const bottom = HEIGHT - BOTTOM;
  const epochSpan = Math.max(1, lastEpoch - 1);
  return {
    left,
    right,
    top: TOP,
    bottom,
    lastEpoch,
    x: (epochIndex) => left + (epochIndex / epochSpan) * (right - left),
    y: (loss) => bottom - axis.fraction(loss) * (bottom - TOP),
  };
}

function yAxis(plot: Plot, axis: LossAxis): string {
  const midY = (plot.top + plot.bottom) / 2;
  const title = axis.log ? 'loss (log scale)' : 'loss';
  const ticks = axis.ticks.ticks.map((tick, i) => {
    const ty = plot.y(tick).toFixed(1);
    return (
      `<line x1="${plot.left - 4}" y1="${ty}" x2="${plot.right}" y2="${ty}" stroke="#e3e3e3"/>` +
      `<text class="y-tick" x="${plot.left - 7}" y="${ty}" dy="0.35em" text-anchor="end" font-size="${FONT_SIZE}">${escapeHtml(axis.ticks.labels[i])}</text>`
    );
  });
  return [
    ...ticks,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="#333"/>`,
    `<text class="y-title" x="12" y="${midY}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${midY})">${title}</text>`,
  ].join('\n');
}

function xAxis(plot: Plot): string {
  const ticks = epochTicks(plot.lastEpoch).map((epoch) => {
    const tx = plot.x(epoch - 1).toFixed(1);
    return (
      `<line x1="${tx}" y1="${plot.bottom}" x2="${tx}" y2="${plot.bottom + 4}" stroke="#333"/>` +
      `<text class="x-tick" x="${tx}" y="${plot.bottom + 16}" text-anchor="middle" font-size="${FONT_SIZE}">${epoch}</text>`
    );
  });
  return [
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#333"/>`,
    ...ticks,
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 34}" text-anchor="middle" font-size="12">epoch</text>`,
  ].join('\n');
}

function series(
  points: ReadonlyArray<readonly [number, number | null]>,
  plot: Plot,
  color: string,
  className: string,
): string {
  const segments: string[][] = [[]];
  for (const [epoch, loss] of points) {
    if (isFiniteNumber(loss)) {
      segments[segments.length - 1].push(`${plot.x(epoch).toFixed(1)},${plot.y(loss).toFixed(1)}`);
    } else if (segments[segments.length - 1].length > 0) {
      segments.push([]);
    }
  }
  return segments
    .filter((segment) => segment.length > 0)
    .map((segment) => {
      if (segment.length > 1) {
        return `<polyline class="${className}" fill="none" stroke="${color}" stroke-width="2" points="${segment.join(' ')}"/>`;
      }
      const [cx, cy] = segment[0].split(',');
      return `<circle class="${className}" cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`;
    })
    .join('\n');
}

/** Draws a dashed line at the kept epoch, its label, and a ring around its validation loss. */
function keptEpochMark(plot: Plot, kept: EpochLosses): string {
  const x = plot.x(kept.epoch);
  const nearRight = x > plot.right - 120;
  const labelX = nearRight ? x - 5 : x + 5;
  const anchor = nearRight ? 'end' : 'start';
  const parts = [
    `<line class="kept-epoch" x1="${x.toFixed(1)}" y1="${plot.top}" x2="${x.toFixed(1)}" y2="${plot.bottom}" stroke="${COLORS.kept}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="${labelX.toFixed(1)}" y="${plot.top + 12}" text-anchor="${anchor}" font-size="${FONT_SIZE}" fill="${COLORS.kept}">kept: epoch ${kept.epoch + 1}</text>`,
  ];
  if (isFiniteNumber(kept.validationLoss)) {
    parts.push(
      `<circle cx="${x.toFixed(1)}" cy="${plot.y(kept.validationLoss).toFixed(1)}" r="5" fill="none" stroke="${COLORS.kept}" stroke-width="1.5"/>`,
    );
  }
  return parts.join('\n');
}

/** Draws the legend in one row above the plot, where no curve can run under it. */
function legend(withKeptEpoch: boolean): string {
  const entries: Array<[string, string]> = [
    [COLORS.train, 'training loss'],
    [COLORS.validation, 'validation loss'],
  ];
  const parts = entries.map(([color, text], i) => {
    const x = WIDTH - RIGHT - 380 + i * 130;
    return (
      `<line x1="${x}" y1="14" x2="${x + 18}" y2="14" stroke="${color}" stroke-width="2"/>` +
      `<text x="${x + 24}" y="14" dy="0.35em" font-size="12">${text}</text>`
    );
  });
  if (withKeptEpoch) {
    const x = WIDTH - RIGHT - 120;
    parts.push(
      `<line x1="${x}" y1="14" x2="${x + 18}" y2="14" stroke="${COLORS.kept}" stroke-width="1.5" stroke-dasharray="5 4"/>` +
        `<text x="${x + 24}" y="14" dy="0.35em" font-size="12">kept epoch</text>`,
    );
  }
  return parts.join('\n');
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
