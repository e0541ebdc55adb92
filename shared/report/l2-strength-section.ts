import { escapeHtml, htmlTable } from './html.js';
import { formatFixed, formatPercent, formatSignificant, MISSING } from './number-format.js';
import type { ReportInput, ReportL2Trial } from './report-input.js';

/**
 * Renders how the L2 regularization strength was chosen. That is the strength set by the
 * training input, or every strength tried with its validation loss. Without per-strength
 * results, the section names the candidates and the chosen strength.
 */
export function l2StrengthSection(input: ReportInput): string {
  const setStrength = input.hyperparameters.l2Strength;
  const chosen =
    input.training?.l2Strength ?? input.candidates.find((c) => c.published)?.regularization;

  if (typeof setStrength === 'number') {
    return paragraph(
      `The training input set the L2 strength to ${formatSignificant(setStrength)}, so no other strength was tried.`,
    );
  }
  if (input.training !== undefined && input.training.l2Search.length > 0) {
    return searchTable(input.training.l2Search, input.training.l2Strength);
  }

  const candidates = numbers(input.hyperparameters.l2Candidates);
  if (candidates.length > 0) {
    return paragraph(
      `The L2 strength was chosen automatically, by validation loss, from the candidates ` +
        `${candidates.map((c) => formatSignificant(c)).join(', ')}. The chosen strength is ` +
        `${formatSignificant(chosen)}. The validation loss of each candidate was not passed to this report.`,
    );
  }
  return paragraph(`L2 strength: ${formatSignificant(chosen)}.`);
}

function searchTable(trials: readonly ReportL2Trial[], kept: number): string {
  const lowest = trials.reduce((best, trial) =>
    (trial.bestValidationLoss ?? Infinity) < (best.bestValidationLoss ?? Infinity) ? trial : best,
  );
  const rows = trials.map((trial) => {
    const notes = [
      trial.l2Strength === kept ? 'kept' : '',
      trial === lowest ? 'lowest loss' : '',
    ].filter((note) => note !== '');
    return [
      formatSignificant(trial.l2Strength),
      formatFixed(trial.bestValidationLoss, 4),
      formatFixed(trial.bestValidationLossStdError, 4),
      formatPercent(trial.bestValidationAccuracy),
      trial.bestEpoch >= 0 ? String(trial.bestEpoch + 1) : MISSING,
      String(trial.epochs),
      notes.join(', '),
    ];
  });

  return [
    paragraph(
      `The L2 strength was chosen automatically. Training ran once with each of the ${trials.length} ` +
        'strengths below. It kept the largest strength whose best validation loss is within one ' +
        'standard error of the lowest, because a smaller difference is within the noise of the ' +
        'validation images and a larger strength gives smaller weights.',
    ),
    htmlTable(
      [
        'L2 strength',
        'best validation loss',
        'standard error',
        'validation accuracy',
        'best epoch',
        'epochs run',
        'choice',
      ],
      rows,
      'l2-search',
      [0, 1, 2, 3, 4, 5],
    ),
  ].join('\n');
}

function numbers(value: unknown): number[] {
  return Array.isArray(value)
    ? value.filter((item): item is number => typeof item === 'number' && Number.isFinite(item))
    : [];
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}
