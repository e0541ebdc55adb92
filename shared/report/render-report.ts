import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { decimal, escapeHtml, percent } from './html.js';
import { learningCurveSvg, type EpochLosses } from './learning-curve-svg.js';

/** Precision, recall and F1 of one class. */
export interface ReportClassMetrics {
  readonly label: string;
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** A misclassified image. */
export interface ReportMistake {
  readonly id: string;
  readonly predicted: string;
  readonly confidence: number;
}

/** One trained candidate of the run, for the comparison table. */
export interface ReportCandidate {
  readonly candidateId: string;
  readonly loss: string;
  readonly regularization: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number | null;
  readonly macroF1: number;
  readonly trainAccuracy: number;
  readonly epochs: number;
  readonly stopReason: string | null;
  readonly published: boolean;
}

/** Everything the report shows about one model version. */
export interface ReportInput {
  readonly version: string;
  readonly createdAt: string;
  readonly runId: string;
  readonly loss: string;
  readonly backboneId: string;
  readonly featureLayer: string;
  readonly labels: readonly string[];
  readonly validation: {
    readonly accuracy: number;
    readonly loss: number | null;
    readonly macroF1: number;
    readonly topK: number;
    readonly topKAccuracy: number;
    readonly sampleCount: number;
    readonly perClass: readonly ReportClassMetrics[];
    readonly confusionMatrix: readonly (readonly number[])[];
    readonly mostConfidentlyWrong: Readonly<Record<string, readonly ReportMistake[]>>;
  };
  readonly train: { readonly accuracy: number; readonly sampleCount: number };
  readonly history: readonly EpochLosses[];
  readonly candidates: readonly ReportCandidate[];
  readonly hyperparameters: Readonly<Record<string, unknown>>;
}

/**
 * Renders the report of a model version as one self-contained HTML page: summary,
 * learning curves and confusion matrix as inline SVG, per-class metrics, the most
 * confidently wrong validation images, and every candidate of the run.
 */
export function renderReport(input: ReportInput): string {
  const title = `vgg-probe model ${input.version}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    summary(input),
    '<h2>Learning curves</h2>',
    learningCurveSvg(input.history),
    '<h2>Confusion matrix (validation)</h2>',
    confusionMatrixSvg(input.labels, input.validation.confusionMatrix),
    '<h2>Per-class metrics (validation)</h2>',
    perClassTable(input.validation.perClass),
    '<h2>Most confidently wrong validation images</h2>',
    mistakesTable(input.validation.mostConfidentlyWrong),
    '<h2>Candidates</h2>',
    candidatesTable(input.candidates),
    '<h2>Hyperparameters</h2>',
    `<pre>${escapeHtml(JSON.stringify(input.hyperparameters, null, 2))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}

function summary(input: ReportInput): string {
  const rows: Array<[string, string]> = [
    ['Created', input.createdAt],
    ['Training run', input.runId],
    ['Backbone / feature layer', `${input.backboneId} / ${input.featureLayer}`],
    ['Loss', input.loss],
    ['Classes', String(input.labels.length)],
    [
      'Validation accuracy',
      `${percent(input.validation.accuracy)} of ${input.validation.sampleCount} images`,
    ],
    [`Validation top-${input.validation.topK} accuracy`, percent(input.validation.topKAccuracy)],
    ['Validation macro F1', decimal(input.validation.macroF1)],
    ['Validation loss', decimal(input.validation.loss)],
    ['Training accuracy', `${percent(input.train.accuracy)} of ${input.train.sampleCount} images`],
  ];
  return table(
    ['', ''],
    rows.map(([name, value]) => [name, value]),
    'summary',
  );
}

function perClassTable(perClass: readonly ReportClassMetrics[]): string {
  return table(
    ['class', 'images', 'precision', 'recall', 'F1'],
    perClass.map((c) => [
      c.label,
      String(c.support),
      decimal(c.precision),
      decimal(c.recall),
      decimal(c.f1),
    ]),
    'per-class',
  );
}

function mistakesTable(mistakes: Readonly<Record<string, readonly ReportMistake[]>>): string {
  const rows = Object.entries(mistakes).flatMap(([label, list]) =>
    list.map((m) => [m.id, label, m.predicted, percent(m.confidence)]),
  );
  if (rows.length === 0) {
    return '<p>No validation image was misclassified.</p>';
  }
  return table(['image', 'true class', 'predicted', 'confidence'], rows, 'mistakes');
}

function candidatesTable(candidates: readonly ReportCandidate[]): string {
  return table(
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
      decimal(c.regularization),
      percent(c.validationAccuracy),
      decimal(c.validationLoss),
      decimal(c.macroF1),
      percent(c.trainAccuracy),
      String(c.epochs),
      c.stopReason ?? '—',
      c.published ? 'yes' : '',
    ]),
    'candidates',
  );
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  className: string,
): string {
  const head = header.some((h) => h !== '')
    ? `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`
    : '';
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="${className}">${head}<tbody>\n${body}\n</tbody></table>`;
}

const STYLE = [
  'body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }',
  'table { border-collapse: collapse; margin-bottom: 1rem; }',
  'td, th { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }',
  'th { background: #f3f3f3; }',
  'svg { display: block; margin-bottom: 1rem; }',
].join('\n');
