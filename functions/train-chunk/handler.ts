import type { Context } from 'aws-lambda';
import { LinearProbeTrainer, type EpochEvent } from '../../shared/linear/index.js';
import { createObservability, instrument, MetricUnit } from '../common/observability.js';
import {
  bucketObjects,
  candidateKey,
  openRunDataset,
  trainerProps,
} from '../common/training-data.js';
import type { Candidate, TrainingConfig } from '../common/training-input.js';
import { ProgressLog } from './progress-log.js';

const observability = createObservability('train-chunk');
const { logger, metrics } = observability;

/**
 * Time kept free at the end of an invocation to save the checkpoint and return:
 * the larger of 20 seconds and a tenth of the remaining time.
 */
const MIN_RESERVE_MS = 20_000;

export interface TrainChunkEvent {
  readonly runId: string;
  readonly datasetKey: string;
  readonly config: TrainingConfig;
  readonly candidate: Candidate;
}

/** The step's result; the state machine loops while `done` is false. */
export interface TrainChunkResult {
  readonly done: boolean;
  readonly phase: string;
  /** Epochs run by this invocation. */
  readonly epochsRun: number;
  /** Epochs run by the candidate so far, over every chunk and L2 strength. */
  readonly epochsDone: number;
  readonly checkpointKey: string;
}

/** An invocation that could not finish a single epoch within its time budget. */
export class TrainingTooSlowError extends Error {
  override readonly name = 'TrainingTooSlow';
}

/**
 * Trains one candidate for as many epochs as fit in this invocation, starting from its
 * checkpoint when one exists, and saves the checkpoint again. The trainer's data check,
 * epochs and final validation pass are all resumable, so the loop in the state machine
 * continues until the trainer reports done (all epochs, or early stopping).
 */
export const handler = instrument(
  observability,
  async (event: TrainChunkEvent, context: Context): Promise<TrainChunkResult> => {
    const { runId, candidate } = event;
    logger.appendKeys({ runId, candidate: candidate.id });
    const objects = bucketObjects();
    const checkpointKey = candidateKey(runId, candidate.id, 'checkpoint.bin');
    const progress = await ProgressLog.open(
      objects,
      candidateKey(runId, candidate.id, 'progress.json'),
      candidate,
    );

    const { manifest, sources } = await openRunDataset(event.datasetKey);
    const saved = await objects.getBytes(checkpointKey);
    const trainer = saved
      ? LinearProbeTrainer.resume(saved.bytes, sources)
      : new LinearProbeTrainer(trainerProps(manifest, event.config, candidate), sources);
    const phaseBefore = trainer.phase;

    const remaining = context.getRemainingTimeInMillis();
    const deadline = Date.now() + remaining - Math.max(MIN_RESERVE_MS, remaining / 10);
    const status = await trainer.run({
      deadline,
      epochs: event.config.epochsPerChunk,
      onEpoch: (epoch) => {
        recordEpoch(epoch);
        progress.add(epoch);
      },
    });

    await objects.putBytes(checkpointKey, trainer.checkpoint());
    await progress.save(status.phase, status.done);
    logger.info('training chunk done', {
      ...status,
      resumed: saved !== undefined,
      remainingMs: context.getRemainingTimeInMillis(),
    });

    if (!status.done && status.epochsRun === 0 && status.phase === phaseBefore) {
      throw new TrainingTooSlowError(
        `candidate ${candidate.id} made no progress in one invocation (phase ${status.phase}): one epoch takes ` +
          'longer than the time budget; use fewer images per class, a smaller feature layer, or a larger batchSize',
      );
    }
    return {
      done: status.done,
      phase: status.phase,
      epochsRun: status.epochsRun,
      epochsDone: progress.epochCount,
      checkpointKey,
    };
  },
);

function recordEpoch(epoch: EpochEvent): void {
  const { record } = epoch;
  metrics.addMetric('EpochLoss', MetricUnit.NoUnit, record.trainLoss);
  if (record.validationLoss !== null) {
    metrics.addMetric('ValidationLoss', MetricUnit.NoUnit, record.validationLoss);
  }
  logger.info('epoch', {
    l2Strength: epoch.l2Strength,
    l2Candidate: `${epoch.candidate + 1}/${epoch.candidateCount}`,
    epoch: record.epoch,
    trainLoss: record.trainLoss,
    validationLoss: record.validationLoss,
    validationAccuracy: record.validationAccuracy,
    learningRate: record.learningRate,
    epochMs: Math.round(epoch.seconds * 1000),
  });
}
