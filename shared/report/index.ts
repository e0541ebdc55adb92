export { confusionMatrixSvg } from './confusion-matrix-svg.js';
export { escapeHtml } from './html.js';
export { learningCurveSvg } from './learning-curve-svg.js';
export type { EpochLosses, LearningCurveOptions } from './learning-curve-svg.js';
export { renderReport } from './render-report.js';
export type {
  ReportCandidate,
  ReportClassMetrics,
  ReportInput,
  ReportL2Trial,
  ReportMistake,
  ReportTraining,
} from './report-input.js';
