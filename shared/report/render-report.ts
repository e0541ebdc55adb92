import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { escapeHtml } from './html.js';
import { hyperparametersTable } from './hyperparameters-table.js';
import { l2StrengthSection } from './l2-strength-section.js';
import { learningCurveSvg } from './learning-curve-svg.js';
import { formatSignificant } from './number-format.js';
import type { ReportInput } from './report-input.js';
import { candidatesTable, mistakesTable, perClassTable, summaryTable } from './report-tables.js';

/**
 * Renders the report of a model version as one self-contained HTML page. It shows a
 * summary, the learning curves and the confusion matrix as inline SVG, and per-class
 * metrics. Tables list the most confidently wrong validation images, every candidate of
 * the run, the L2 strengths tried and the hyperparameters.
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
    summaryTable(input),
    '<h2>Learning curves</h2>',
    learningCurveSvg(input.history, { keptEpoch: input.training?.bestEpoch }),
    learningCurveCaption(input),
    '<h2>Confusion matrix (validation)</h2>',
    confusionMatrixSvg(input.labels, input.validation.confusionMatrix),
    '<h2>Per-class metrics (validation)</h2>',
    perClassTable(input.validation.perClass),
    '<h2>Most confidently wrong validation images</h2>',
    mistakesTable(input.validation.mostConfidentlyWrong),
    '<h2>Candidates</h2>',
    '<p>One row per loss and L2 setting that the run trained. The strengths tried inside the published candidate are listed under L2 regularization strength.</p>',
    candidatesTable(input.candidates),
    '<h2>L2 regularization strength</h2>',
    l2StrengthSection(input),
    '<h2>Hyperparameters</h2>',
    hyperparametersTable(input.hyperparameters),
    '</body></html>',
    '',
  ].join('\n');
}

/** Explains the kept epoch, why training stopped, and whether a final run replaced the weights. */
function learningCurveCaption(input: ReportInput): string {
  const training = input.training;
  const kept = input.history.find((h) => h.epoch === training?.bestEpoch);
  if (training === undefined || kept === undefined) {
    return '';
  }

  const keptNumber = kept.epoch + 1;
  const lastNumber = input.history[input.history.length - 1].epoch + 1;
  const sentences = [
    training.l2Search.length > 1
      ? `The curves show the run with the kept L2 strength, ${formatSignificant(training.l2Strength)}.`
      : '',
    kept.validationLoss === null
      ? `Without validation data, the weights of the last epoch, ${keptNumber}, were kept.`
      : `Epoch ${keptNumber} had the lowest validation loss, so its weights were kept.`,
  ];
  if (training.stopReason === 'early-stopping') {
    sentences.push(
      `Training stopped early at epoch ${lastNumber}, after ${lastNumber - keptNumber} epochs without a lower validation loss.`,
    );
  } else if (training.stopReason === 'max-epochs') {
    sentences.push(`Training ran the maximum of ${lastNumber} epochs.`);
  }
  if (training.refitEpochs !== null) {
    sentences.push(
      `The published weights come from a final run of ${training.refitEpochs} epochs on every ` +
        'training image, the held-out validation images included. The validation metrics in ' +
        'this report describe the kept weights from before that run.',
    );
  }
  return `<p class="caption">${escapeHtml(sentences.filter((s) => s !== '').join(' '))}</p>`;
}

const STYLE = [
  'body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }',
  'table { border-collapse: collapse; margin-bottom: 1rem; }',
  'td, th { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }',
  'th { background: #f3f3f3; }',
  'td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }',
  'p { max-width: 48rem; }',
  'p.caption { color: #444; font-size: 0.9rem; }',
  'svg { display: block; margin-bottom: 0.5rem; }',
].join('\n');
