import { describe, expect, it } from 'vitest';
import { learningCurveSvg, type EpochLosses } from './learning-curve-svg.js';

const gappedHistory: EpochLosses[] = [
  { epoch: 0, trainLoss: 0.7, validationLoss: 0.6 },
  { epoch: 1, trainLoss: 0.4, validationLoss: null },
  { epoch: 2, trainLoss: 0.2, validationLoss: 0.25 },
];

/** 41 epochs whose losses fall from about 0.36 to 0.1: less than a decade. */
const narrowHistory: EpochLosses[] = Array.from({ length: 41 }, (_, epoch) => ({
  epoch,
  trainLoss: 0.1 + 0.26 * Math.exp(-epoch / 5),
  validationLoss: 0.15 + 0.2 * Math.exp(-epoch / 6),
}));

/** Losses that fall from 0.75 to 0.025: more than a decade. */
const wideHistory: EpochLosses[] = Array.from({ length: 41 }, (_, epoch) => ({
  epoch,
  trainLoss: 0.025 + 0.725 * Math.exp(-epoch / 6),
  validationLoss: 0.09 + 0.6 * Math.exp(-epoch / 5),
}));

function textsOfClass(svg: string, className: string): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${className}"[^>]*>([^<]*)</text>`, 'g'))].map(
    (match) => match[1],
  );
}

function attribute(element: string, name: string): number {
  return Number(new RegExp(`\\b${name}="([-\\d.]+)"`).exec(element)![1]);
}

describe('learningCurveSvg', () => {
  it('draws both series', () => {
    const svg = learningCurveSvg(gappedHistory);

    expect(svg).toContain('class="train-loss"');
    expect(svg).toContain('class="validation-loss"');
  });

  it('breaks the validation line at missing epochs', () => {
    const svg = learningCurveSvg(gappedHistory);

    expect(svg.match(/class="validation-loss"/g)).toHaveLength(2);
  });

  it('handles an empty history', () => {
    expect(learningCurveSvg([])).toContain('No epochs');
  });

  it('labels round loss ticks', () => {
    const svg = learningCurveSvg(narrowHistory);

    expect(textsOfClass(svg, 'y-tick')).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4']);
    expect(textsOfClass(svg, 'y-title')).toEqual(['loss']);
  });

  it('labels round epochs', () => {
    const svg = learningCurveSvg(narrowHistory);

    expect(textsOfClass(svg, 'x-tick')).toEqual(['1', '5', '10', '15', '20', '25', '30', '35', '40']);
  });

  it('keeps the loss title clear of tick labels', () => {
    // Losses in [0.001, 0.0042] get linear ticks with five-character labels: 0.000 … 0.005.
    const svg = learningCurveSvg(
      narrowHistory.map((h) => ({ ...h, trainLoss: h.trainLoss / 100, validationLoss: 0.001 })),
    );
    const title = /<text class="y-title"[^>]*>/.exec(svg)![0];
    const ticks = [...svg.matchAll(/<text class="y-tick"[^>]*>([^<]*)<\/text>/g)];
    // The rotated title is 12 px tall, centred on its x. Tick labels end at their x and
    // are at most 6.5 px per character wide at 11 px.
    const titleRight = attribute(title, 'x') + 6;
    const labelsLeft = Math.min(...ticks.map((t) => attribute(t[0], 'x') - t[1].length * 6.5));

    expect(titleRight).toBeLessThan(labelsLeft);
  });

  it('uses a log scale over a decade', () => {
    const svg = learningCurveSvg(wideHistory);

    expect(textsOfClass(svg, 'y-title')).toEqual(['loss (log scale)']);
    expect(textsOfClass(svg, 'y-tick')).toEqual(['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']);
  });

  it('stays linear when a loss is 0', () => {
    const svg = learningCurveSvg([
      { epoch: 0, trainLoss: 2, validationLoss: 2.5 },
      { epoch: 1, trainLoss: 0, validationLoss: 1 },
    ]);

    expect(textsOfClass(svg, 'y-title')).toEqual(['loss']);
  });

  it('marks the kept epoch', () => {
    const svg = learningCurveSvg(narrowHistory, { keptEpoch: 30 });
    const line = /<line class="kept-epoch"[^>]*>/.exec(svg)![0];
    const points = /class="validation-loss"[^>]*points="([^"]*)"/.exec(svg)![1].split(' ');

    expect(svg).toContain('kept: epoch 31');
    expect(attribute(line, 'x1')).toBeCloseTo(Number(points[30].split(',')[0]), 1);
  });

  it('marks nothing without a kept epoch', () => {
    const svg = learningCurveSvg(narrowHistory);

    expect(svg).not.toContain('kept-epoch');
    expect(svg).not.toContain('kept epoch');
  });
});
