import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { escapeHtml } from './html.js';
import { learningCurveSvg } from './learning-curve-svg.js';
import { renderReport, type ReportInput } from './render-report.js';

const input: ReportInput = {
  version: '20250101T000000Z-run',
  createdAt: '2025-01-01T00:00:00.000Z',
  runId: 'run',
  loss: 'softmax',
  backboneId: 'vgg16',
  featureLayer: 'fc2',
  labels: ['cats', 'dogs<script>'],
  validation: {
    accuracy: 0.9,
    loss: 0.25,
    macroF1: 0.89,
    topK: 2,
    topKAccuracy: 1,
    sampleCount: 10,
    perClass: [
      { label: 'cats', support: 5, precision: 1, recall: 0.8, f1: 0.89 },
      { label: 'dogs<script>', support: 5, precision: 0.83, recall: 1, f1: 0.91 },
    ],
    confusionMatrix: [
      [4, 1],
      [0, 5],
    ],
    mostConfidentlyWrong: {
      cats: [{ id: 'images/cats/odd one.jpg', predicted: 'dogs<script>', confidence: 0.97 }],
    },
  },
  train: { accuracy: 1, sampleCount: 40 },
  history: [
    { epoch: 0, trainLoss: 0.7, validationLoss: 0.6 },
    { epoch: 1, trainLoss: 0.4, validationLoss: null },
    { epoch: 2, trainLoss: 0.2, validationLoss: 0.25 },
  ],
  candidates: [
    {
      candidateId: 'softmax-auto',
      loss: 'softmax',
      regularization: 0.001,
      validationAccuracy: 0.9,
      validationLoss: 0.25,
      macroF1: 0.89,
      trainAccuracy: 1,
      epochs: 3,
      stopReason: 'max-epochs',
      published: true,
    },
    {
      candidateId: 'svm-auto',
      loss: 'svm',
      regularization: 0.01,
      validationAccuracy: 0.8,
      validationLoss: 0.5,
      macroF1: 0.79,
      trainAccuracy: 0.95,
      epochs: 3,
      stopReason: 'early-stopping',
      published: false,
    },
  ],
  hyperparameters: { batchSize: 64 },
};

describe('renderReport', () => {
  const html = renderReport(input);

  it('embeds both charts as SVG', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('escapes labels', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('dogs&lt;script&gt;');
  });

  it('lists the confidently wrong image', () => {
    expect(html).toContain('images/cats/odd one.jpg');
    expect(html).toContain('97.0%');
  });

  it('lists every candidate', () => {
    expect(html).toContain('softmax-auto');
    expect(html).toContain('svm-auto');
  });
});

describe('learningCurveSvg', () => {
  it('draws both series', () => {
    const svg = learningCurveSvg(input.history);
    expect(svg).toContain('class="train-loss"');
    expect(svg).toContain('class="validation-loss"');
  });

  it('breaks the validation line at missing epochs', () => {
    const svg = learningCurveSvg(input.history);
    expect(svg.match(/class="validation-loss"/g)).toHaveLength(2);
  });

  it('handles an empty history', () => {
    expect(learningCurveSvg([])).toContain('No epochs');
  });
});

describe('confusionMatrixSvg', () => {
  it('draws one cell per pair', () => {
    const svg = confusionMatrixSvg(
      ['a', 'b', 'c'],
      [
        [1, 0, 0],
        [0, 2, 1],
        [0, 0, 3],
      ],
    );
    expect(svg.match(/<rect /g)).toHaveLength(9);
  });

  it('shades the row share', () => {
    const svg = confusionMatrixSvg(
      ['a', 'b'],
      [
        [2, 0],
        [1, 1],
      ],
    );
    expect(svg).toContain('rgb(8,48,107)');
    expect(svg).toContain('rgb(255,255,255)');
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
