import type { LinearModel } from '../../shared/linear/index.js';
import type { ReportInput } from '../../shared/report/index.js';
import type { DatasetManifest, ModelMetricsDocument } from '../../shared/store/index.js';
import type { CandidateResult } from '../common/candidate-result.js';
import type { PublishModelEvent } from './handler.js';

interface DocumentSource {
  readonly event: PublishModelEvent;
  readonly best: CandidateResult;
  readonly model: LinearModel;
  readonly createdAt: string;
}

/** Builds `models/<version>/metrics.json`: the published model's metrics and every candidate's. */
export function metricsDocument(
  source: DocumentSource & { manifest: DatasetManifest },
): ModelMetricsDocument {
  const { event, best, model, manifest, createdAt } = source;
  const validation = model.validation!;
  return {
    version: event.version,
    createdAt,
    runId: event.runId,
    candidateId: best.candidateId,
    loss: best.loss,
    labels: model.labels,
    backboneId: manifest.space.backboneId,
    featureLayer: manifest.space.featureLayer,
    validation: {
      accuracy: validation.accuracy,
      loss: validation.meanLoss ?? undefined,
      macroF1: validation.macroF1,
    },
    validationReport: validation,
    train: best.train,
    hyperparameters: model.hyperparameters,
    thresholds: model.thresholds,
    training: {
      seconds: model.training.seconds,
      epochs: model.training.epochs,
      bestEpoch: model.training.bestEpoch,
      stopReason: model.training.stopReason,
      l2Strength: model.training.l2Strength,
      l2Search: model.training.l2Search,
      history: model.training.history,
    },
    dataset: {
      split: manifest.split,
      trainCount: manifest.train.rows,
      validationCount: manifest.validation.rows,
      trainPerClass: manifest.train.perClass,
      validationPerClass: manifest.validation.perClass,
      skipped: manifest.skipped,
      errorRecords: manifest.errorRecords,
    },
    config: event.config,
    candidates: event.candidates,
  };
}

/** Collects the content of the report. */
export function reportInput(source: DocumentSource): ReportInput {
  const { event, best, model, createdAt } = source;
  const validation = model.validation!;
  return {
    version: event.version,
    createdAt,
    runId: event.runId,
    loss: best.loss,
    backboneId: model.backbone?.id ?? 'unknown',
    featureLayer: model.backbone?.featureLayer ?? 'unknown',
    labels: model.labels,
    validation: {
      accuracy: validation.accuracy,
      loss: validation.meanLoss,
      macroF1: validation.macroF1,
      topK: validation.topK,
      topKAccuracy: validation.topKAccuracy,
      sampleCount: validation.sampleCount,
      perClass: validation.perClass,
      confusionMatrix: validation.confusionMatrix,
      mostConfidentlyWrong: validation.mostConfidentlyWrong,
    },
    train: best.train,
    history: model.training.history,
    training: model.training,
    candidates: event.candidates.map((c) => ({
      candidateId: c.candidateId,
      loss: c.loss,
      regularization: c.regularization,
      validationAccuracy: c.validation.accuracy,
      validationLoss: c.validation.loss,
      macroF1: c.validation.macroF1,
      trainAccuracy: c.train.accuracy,
      epochs: c.epochs,
      stopReason: c.stopReason,
      published: c.candidateId === best.candidateId,
    })),
    hyperparameters: { ...model.hyperparameters, chosenL2Strength: model.training.l2Strength },
  };
}
