import type { Context } from 'aws-lambda';
import {
  BucketObjects,
  buildDataset,
  datasetManifestKey,
  resolveFeatureSpace,
} from '../../shared/store/index.js';
import { createObservability, instrument } from '../common/observability.js';
import { featureStore, pipelineConfig, s3Client } from '../common/runtime.js';
import type { TrainingConfig } from '../common/training-input.js';

const observability = createObservability('prepare-dataset');
const { logger } = observability;

export interface PrepareDatasetEvent {
  readonly runId: string;
  readonly config: TrainingConfig;
}

/** The part of the dataset that the state machine keeps: its manifest key and counts. */
export interface PrepareDatasetResult {
  readonly datasetKey: string;
  readonly backboneId: string;
  readonly featureLayer: string;
  readonly classCount: number;
  readonly trainCount: number;
  readonly validationCount: number;
}

/**
 * Indexes the stored feature vectors, splits them into training and validation (by the
 * hash of each image key, or by train/valid folders) and writes the shards and the
 * dataset manifest under `training/<run>/`. Feature data stays in S3.
 */
export const handler = instrument(
  observability,
  async (event: PrepareDatasetEvent, _context: Context): Promise<PrepareDatasetResult> => {
    const started = performance.now();
    const { config } = event;
    const objects = new BucketObjects(s3Client(), pipelineConfig().bucketName);
    const space = await resolveFeatureSpace(objects, {
      backboneId: config.backboneId,
      featureLayer: config.featureLayer ?? pipelineConfig().featureLayer,
    });

    const manifest = await buildDataset(featureStore(space), {
      runId: event.runId,
      labels: config.labels,
      splitMode: config.split,
      validationFraction: config.validationFraction,
      seed: config.seed,
      minSamplesPerClass: config.minSamplesPerClass ?? 5,
    });
    const result: PrepareDatasetResult = {
      datasetKey: datasetManifestKey(event.runId),
      ...space,
      classCount: manifest.labels.length,
      trainCount: manifest.train.rows,
      validationCount: manifest.validation.rows,
    };
    logger.info('dataset prepared', {
      runId: event.runId,
      ...result,
      layout: manifest.layout,
      dim: manifest.dim,
      skipped: manifest.skipped,
      errorRecords: manifest.errorRecords,
      totalMs: Math.round(performance.now() - started),
    });
    return result;
  },
);
