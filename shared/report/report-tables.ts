import { htmlTable } from './html.js';
import { formatFixed, formatPercent, formatSignificant, MISSING } from './number-format.js';
import type { ReportCandidate, ReportClassMetrics, ReportInput, ReportMistake } from './report-input.js';

/** Decimals of shares that are not shown as percentages: precision, recall, F1. */
const SHARE_DECIMALS = 3;
/** Decimals of mean losses. */
const LOSS_DECIMALS = 4;

/** Renders the summary of a model version: run, backbone, and headline metrics. */
export function summaryTable(input: ReportInput): string {
  const rows: Array<[string, string]> = [
    ['Created', input.createdAt],
    ['Training run', input.runId],
    ['Backbone / feature layer', `${input.backboneId} / ${input.featureLayer}`],
    ['Loss', input.loss],
    ['Classes', String(input.labels.length)],
    [
      'Validation accuracy',
      `${formatPercent(input.validation.accuracy)} of ${input.validation.sampleCount} images`,
    ],
    [
      `Validation top-${input.validation.topK} accuracy`,
      formatPercent(input.validation.topKAccuracy),
    ],
    ['Validation macro F1', formatFixed(input.validation.macroF1, SHARE_DECIMALS)],
    ['Validation loss', formatFixed(input.validation.loss, LOSS_DECIMALS)],
    [
      'Training accuracy',
      `${formatPercent(input.train.accuracy)} of ${input.train.sampleCount} images`,
    ],
  ];
  return htmlTable(['', ''], rows, 'summary');
}

/** Renders precision, recall and F1 per class, all with the same number of decimals. */
export function perClassTable(perClass: readonly ReportClassMetrics[]): string {
  return htmlTable(
    ['class', 'images', 'precision', 'recall', 'F1'],
    perClass.map((c) => [
      c.label,
      String(c.support),
      formatFixed(c.precision, SHARE_DECIMALS),
      formatFixed(c.recall, SHARE_DECIMALS),
      formatFixed(c.f1, SHARE_DECIMALS),
    ]),
    'per-class',
    [1, 2, 3, 4],
  );
}

/** Renders the most confidently wrong validation images, or a sentence when there are none. */
export function mistakesTable(
  mistakes: Readonly<Record<string, readonly ReportMistake[]>>,
): string {
  const rows = Object.entries(mistakes).flatMap(([label, list]) =>
    list.map((m) => [m.id, label, m.predicted, formatPercent(m.confidence)]),
  );
  if (rows.length === 0) {
    return '<p>No validation image was misclassified.</p>';
  }
  return htmlTable(['image', 'true class', 'predicted', 'confidence'], rows, 'mistakes', [3]);
}

/** Renders one row per trained candidate of the run. */
export function candidatesTable(candidates: readonly ReportCandidate[]): string {
  return htmlTable(
    [
      'candidate',
      'loss',
      'L2 strength',
      'validation accuracy',
      'validation loss',
      'macro F1',
      'training accuracy',
      'epochs',
      'stopped by',
      'published',
    ],
    candidates.map((c) => [
      c.candidateId,
      c.loss,
      formatSignificant(c.regularization),
      formatPercent(c.validationAccuracy),
      formatFixed(c.validationLoss, LOSS_DECIMALS),
      formatFixed(c.macroF1, SHARE_DECIMALS),
      formatPercent(c.trainAccuracy),
      String(c.epochs),
      c.stopReason ?? MISSING,
      c.published ? 'yes' : '',
    ]),
    'candidates',
    [2, 3, 4, 5, 6, 7],
  );
}
