export { confusionMatrixSvg } from './confusion-matrix-svg.js';
export { escapeHtml } from './html.js';
export { learningCurveSvg } from './learning-curve-svg.js';
export type { EpochLosses } from './learning-curve-svg.js';
export { renderReport } from './render-report.js';
export type {
  ReportCandidate,
  ReportClassMetrics,
  ReportInput,
  ReportMistake,
} from './render-report.js';
