import type { Context } from 'aws-lambda';
import { deserializeModel } from '../../shared/linear/index.js';
import { renderReport } from '../../shared/report/index.js';
import {
  modelKey,
  ModelVersionExistsError,
  readDatasetManifest,
} from '../../shared/store/index.js';
import { bestCandidate, type CandidateResult } from '../common/candidate-result.js';
import { createObservability, instrument } from '../common/observability.js';
import { modelRegistry } from '../common/runtime.js';
import { bucketObjects } from '../common/training-data.js';
import type { TrainingConfig } from '../common/training-input.js';
import { metricsDocument, reportInput } from './model-documents.js';

const observability = createObservability('publish-model');
const { logger } = observability;

export interface PublishModelEvent {
  readonly runId: string;
  readonly version: string;
  readonly config: TrainingConfig;
  readonly datasetKey: string;
  readonly candidates: readonly CandidateResult[];
}

/** The execution's output. */
export interface PublishModelResult {
  readonly version: string;
  readonly candidateId: string;
  readonly loss: string;
  readonly labels: readonly string[];
  readonly validation: CandidateResult['validation'];
  readonly train: CandidateResult['train'];
  readonly candidates: ReadonlyArray<Pick<CandidateResult, 'candidateId' | 'validation'>>;
  readonly modelKey: string;
  readonly reportKey: string;
}

/**
 * Publishes the candidate with the best validation accuracy as `models/<version>/`
 * (model.bin, metrics.json with every candidate's metrics, report.html) and moves
 * `models/current.json` to it. A retry after a partial publish only moves the pointer.
 */
export const handler = instrument(
  observability,
  async (event: PublishModelEvent, _context: Context): Promise<PublishModelResult> => {
    const { runId, version } = event;
    logger.appendKeys({ runId, modelVersion: version });
    const objects = bucketObjects();
    const best = bestCandidate(event.candidates);

    const stored = await objects.getBytes(best.modelKey);
    if (stored === undefined) {
      throw new Error(
        `the model of candidate ${best.candidateId} (${best.modelKey}) is missing; train again`,
      );
    }
    const model = deserializeModel(stored.bytes);
    const manifest = await readDatasetManifest(objects, event.datasetKey);
    const createdAt = new Date().toISOString();
    const registry = modelRegistry();

    try {
      await registry.publish(version, {
        model: stored.bytes,
        metrics: metricsDocument({ event, best, model, manifest, createdAt }),
        reportHtml: renderReport(reportInput({ event, best, model, createdAt })),
      });
    } catch (error) {
      if (
        !(error instanceof ModelVersionExistsError) ||
        (await registry.loadMetrics(version)).runId !== runId
      ) {
        throw error;
      }
      logger.warn('version already published by this run, moving the pointer only');
      await registry.setCurrent(version);
    }

    logger.info('model published', { candidate: best.candidateId, ...best.validation });
    return {
      version,
      candidateId: best.candidateId,
      loss: best.loss,
      labels: model.labels,
      validation: best.validation,
      train: best.train,
      candidates: event.candidates.map((c) => ({
        candidateId: c.candidateId,
        validation: c.validation,
      })),
      modelKey: modelKey(version, 'model.bin'),
      reportKey: modelKey(version, 'report.html'),
    };
  },
);
