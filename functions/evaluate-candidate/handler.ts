import type { Context } from 'aws-lambda';
import { evaluateModel, LinearProbeTrainer, serializeModel } from '../../shared/linear/index.js';
import type { CandidateResult } from '../common/candidate-result.js';
import { createObservability, instrument } from '../common/observability.js';
import { bucketObjects, candidateKey, openRunDataset } from '../common/training-data.js';
import type { Candidate } from '../common/training-input.js';

const observability = createObservability('evaluate-candidate');
const { logger } = observability;

export interface EvaluateCandidateEvent {
  readonly runId: string;
  readonly datasetKey: string;
  readonly candidate: Candidate;
  readonly checkpointKey: string;
}

/**
 * Turns a finished candidate's checkpoint into a model artifact and its metrics: the
 * validation report that training computed (accuracy, per-class P/R/F1, confusion
 * matrix, most confidently wrong images) plus one pass over the training split. Writes
 * `model.bin` and `evaluation.json` next to the checkpoint.
 */
export const handler = instrument(
  observability,
  async (event: EvaluateCandidateEvent, _context: Context): Promise<CandidateResult> => {
    const { runId, candidate } = event;
    logger.appendKeys({ runId, candidate: candidate.id });
    const objects = bucketObjects();
    const saved = await objects.getBytes(event.checkpointKey);
    if (saved === undefined) {
      throw new Error(
        `checkpoint ${event.checkpointKey} is missing; run the candidate's training again`,
      );
    }

    const { manifest, sources } = await openRunDataset(event.datasetKey);
    const model = LinearProbeTrainer.resume(saved.bytes, sources).model();
    const validation = model.validation;
    if (validation === null) {
      throw new Error(
        `candidate ${candidate.id} has no validation metrics; the dataset's validation split is empty`,
      );
    }
    const train = await evaluateModel(model, sources.train, { mistakesPerClass: 0 });

    const modelKey = candidateKey(runId, candidate.id, 'model.bin');
    const evaluationKey = candidateKey(runId, candidate.id, 'evaluation.json');
    await objects.putBytes(modelKey, serializeModel(model));
    await objects.putJson(evaluationKey, {
      candidate,
      validation,
      train,
      training: model.training,
      labels: manifest.labels,
    });

    const result: CandidateResult = {
      candidateId: candidate.id,
      loss: candidate.loss,
      regularization: model.training.l2Strength,
      regularizationSearched: candidate.regularization === undefined,
      validation: {
        accuracy: validation.accuracy,
        loss: validation.meanLoss,
        macroF1: validation.macroF1,
        topKAccuracy: validation.topKAccuracy,
        topK: validation.topK,
        sampleCount: validation.sampleCount,
      },
      train: { accuracy: train.accuracy, loss: train.meanLoss, sampleCount: train.sampleCount },
      epochs: model.training.epochs,
      bestEpoch: model.training.bestEpoch,
      stopReason: model.training.stopReason,
      trainingSeconds: model.training.seconds,
      modelKey,
      evaluationKey,
    };
    logger.info('candidate evaluated', {
      ...result.validation,
      trainAccuracy: train.accuracy,
      regularization: result.regularization,
    });
    return result;
  },
);
