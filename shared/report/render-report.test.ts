import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html.js';
import { renderReport } from './render-report.js';
import type { ReportInput, ReportL2Trial } from './report-input.js';

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
      { label: 'cats', support: 5, precision: 1, recall: 0.8, f1: 0.8889 },
      { label: 'dogs<script>', support: 5, precision: 0.8333, recall: 1, f1: 0.9091 },
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
  hyperparameters: {
    l2Strength: null,
    l2Candidates: [1e-4, 1e-3, 1e-2, 1e-1, 1, 10],
    learningRate: 0.0013020833333333333,
    batchSize: 64,
  },
};

const l2Search: ReportL2Trial[] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10].map((l2Strength, i) => ({
  l2Strength,
  bestValidationLoss: [0.2581, 0.2502, 0.25, 0.2611, 0.3, 0.52][i],
  bestValidationLossStdError: 0.02,
  bestValidationAccuracy: 0.9,
  bestEpoch: 2,
  epochs: 3,
}));

const trained: ReportInput = {
  ...input,
  training: {
    bestEpoch: 2,
    stopReason: 'max-epochs',
    l2Strength: 0.1,
    l2Search,
    refitEpochs: null,
  },
};

function rowsOf(html: string, className: string): string[] {
  const table = new RegExp(`<table class="${className}">[\\s\\S]*?</table>`).exec(html)![0];
  return [...table.matchAll(/<tbody>[\s\S]*?<\/tbody>/g)][0][0].split('\n').filter((row) => row.startsWith('<tr>'));
}

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

  it('prints class metrics with three decimals', () => {
    const [cats, dogs] = rowsOf(html, 'per-class');

    expect(cats).toContain('<td class="number">1.000</td><td class="number">0.800</td>');
    expect(dogs).toContain('<td class="number">0.833</td><td class="number">1.000</td>');
  });

  it('rounds the learning rate', () => {
    expect(html).toContain('<td>0.001302</td>');
    expect(html).not.toContain('0.0013020833');
  });

  it('names the L2 candidates without their losses', () => {
    expect(html).toContain('chosen automatically, by validation loss, from the candidates 0.0001, 0.001, 0.01, 0.1, 1, 10');
    expect(html).toContain('The chosen strength is 0.001.');
  });

  it('marks no epoch without training details', () => {
    expect(html).not.toContain('kept-epoch');
  });
});

describe('renderReport with training details', () => {
  const html = renderReport(trained);

  it('lists every L2 strength tried', () => {
    const rows = rowsOf(html, 'l2-search');

    expect(rows).toHaveLength(6);
    expect(rows[0]).toContain('<td class="number">0.0001</td><td class="number">0.2581</td>');
  });

  it('marks the kept and the lowest strength', () => {
    const rows = rowsOf(html, 'l2-search');

    expect(rows[2]).toContain('<td>lowest loss</td>');
    expect(rows[3]).toContain('<td>kept</td>');
  });

  it('marks the kept epoch', () => {
    expect(html).toContain('kept: epoch 3');
    expect(html).toContain('Epoch 3 had the lowest validation loss, so its weights were kept.');
  });

  it('mentions a final run on every image', () => {
    const refit = renderReport({ ...trained, training: { ...trained.training!, refitEpochs: 3 } });

    expect(refit).toContain('a final run of 3 epochs on every training image');
  });

  it('states a strength set by the input', () => {
    const set = renderReport({
      ...trained,
      hyperparameters: { ...trained.hyperparameters, l2Strength: 0.01 },
      training: { ...trained.training!, l2Strength: 0.01, l2Search: [l2Search[2]] },
    });

    expect(set).toContain('The training input set the L2 strength to 0.01');
    expect(set).not.toContain('class="l2-search"');
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
