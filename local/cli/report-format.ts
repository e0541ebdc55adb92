import type { EvaluationReport } from '../../shared/linear/metrics.js';
import { percent } from './output.js';

/** Formats an evaluation for people: accuracy, per-class table, confusion matrix, mistakes. */
export function formatEvaluation(report: EvaluationReport, labels: readonly string[]): string[] {
  const width = Math.max(8, ...labels.map((label) => label.length));
  const pad = (text: string) => text.padEnd(width);
  const lines = [
    `accuracy ${percent(report.accuracy)} on ${report.sampleCount} images ` +
      `(macro F1 ${report.macroF1.toFixed(3)})`,
    `${pad('class')}  precision  recall  F1     support`,
  ];
  for (const metrics of report.perClass) {
    lines.push(
      `${pad(metrics.label)}  ${metrics.precision.toFixed(3).padStart(9)}  ` +
        `${metrics.recall.toFixed(3).padStart(6)}  ${metrics.f1.toFixed(3)}  ` +
        String(metrics.support).padStart(7),
    );
  }

  lines.push('confusion matrix (rows: true class, columns: predicted class)');
  lines.push(`${pad('')}  ${labels.map((label) => label.padStart(width)).join(' ')}`);
  report.confusionMatrix.forEach((row, index) => {
    lines.push(
      `${pad(labels[index])}  ${row.map((count) => String(count).padStart(width)).join(' ')}`,
    );
  });

  const mistakes = Object.entries(report.mostConfidentlyWrong).flatMap(([label, list]) =>
    list
      .slice(0, 3)
      .map(
        (mistake) =>
          `  ${mistake.id}: ${label} predicted as ${mistake.predicted} (${percent(mistake.confidence)})`,
      ),
  );
  if (mistakes.length > 0) {
    lines.push('most confidently wrong:', ...mistakes);
  }
  return lines;
}
