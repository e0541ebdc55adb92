import { describe, expect, it } from 'vitest';
import { computeEvaluation, type ScoredSamples } from './metrics.js';
import { chooseThresholds } from './thresholds.js';

// Six samples of three classes. Scores are log-probabilities, so confidences are exact.
const classes = ['a', 'b', 'c'];
const rows: [label: number, probabilities: number[], id: string][] = [
  [0, [0.7, 0.2, 0.1], 'a1'], // correct
  [0, [0.15, 0.65, 0.2], 'a2'], // predicted b with 0.65, a ranks third
  [0, [0.3, 0.1, 0.6], 'a3'], // predicted c with 0.6, a ranks second
  [1, [0.1, 0.8, 0.1], 'b1'], // correct
  [1, [0.9, 0.05, 0.05], 'b2'], // predicted a with 0.9, b ranks second (tie with c, not higher)
  [2, [0.1, 0.1, 0.8], 'c1'], // correct
];
const samples: ScoredSamples = {
  scores: Float64Array.from(rows.flatMap(([, p]) => p.map(Math.log))),
  labels: Int32Array.from(rows.map(([label]) => label)),
  ids: rows.map(([, , id]) => id),
};

describe('evaluation metrics', () => {
  const report = computeEvaluation(samples, classes, { topK: 2 });

  it('counts the confusion matrix', () => {
    expect(report.confusionMatrix).toEqual([
      [1, 1, 1],
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('computes accuracy and top-k', () => {
    expect(report.accuracy).toBeCloseTo(3 / 6, 12);
    expect(report.topK).toBe(2);
    expect(report.topKAccuracy).toBeCloseTo(5 / 6, 12);
  });

  it('computes per-class precision, recall and F1', () => {
    const [a, b, c] = report.perClass;

    expect(a).toMatchObject({ label: 'a', support: 3, predicted: 2, precision: 0.5 });
    expect(a.recall).toBeCloseTo(1 / 3, 12);
    expect(a.f1).toBeCloseTo(0.4, 12);
    expect(b).toMatchObject({ support: 2, predicted: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(c).toMatchObject({ support: 1, predicted: 2, precision: 0.5, recall: 1 });
    expect(c.f1).toBeCloseTo(2 / 3, 12);
  });

  it('averages classes for macro metrics', () => {
    expect(report.macroPrecision).toBeCloseTo(0.5, 12);
    expect(report.macroRecall).toBeCloseTo((1 / 3 + 0.5 + 1) / 3, 12);
    expect(report.macroF1).toBeCloseTo((0.4 + 0.5 + 2 / 3) / 3, 12);
  });

  it('lists the most confidently wrong samples per class', () => {
    expect(report.mostConfidentlyWrong.a.map((m) => m.id)).toEqual(['a2', 'a3']);
    expect(report.mostConfidentlyWrong.a[0].predicted).toBe('b');
    expect(report.mostConfidentlyWrong.a[0].confidence).toBeCloseTo(0.65, 12);
    expect(report.mostConfidentlyWrong.b).toEqual([{ id: 'b2', predicted: 'a', confidence: expect.closeTo(0.9, 12) }]);
    expect(report.mostConfidentlyWrong.c).toEqual([]);
  });

  it('limits the mistakes listed per class', () => {
    expect(computeEvaluation(samples, classes, { mistakesPerClass: 1 }).mostConfidentlyWrong.a.map((m) => m.id)).toEqual(['a2']);
  });

  it('defaults top-k to the number of classes when smaller than 5', () => {
    expect(computeEvaluation(samples, classes).topK).toBe(3);
  });
});

describe('confidence thresholds', () => {
  it('rejects a confident mistake when that raises F1', () => {
    // Class a is predicted for a1 (0.7, correct) and b2 (0.9, wrong): accepting only
    // confidences below 0.9 is impossible, so accepting both (threshold 0) is best for a.
    // Class c is predicted for a3 (0.6, wrong) and c1 (0.8, correct): accepting only c1
    // gives F1 1, so the threshold lies between 0.6 and 0.8.
    const thresholds = chooseThresholds(samples, 3);

    expect(thresholds[0]).toBe(0);
    expect(thresholds[2]).toBeCloseTo(0.7, 12);
  });

  it('keeps threshold 0 when every prediction is right', () => {
    const clean: ScoredSamples = {
      scores: Float64Array.from([0.9, 0.1, 0.2, 0.8].map(Math.log)),
      labels: Int32Array.from([0, 1]),
      ids: ['x', 'y'],
    };

    expect(chooseThresholds(clean, 2)).toEqual([0, 0]);
  });
});
