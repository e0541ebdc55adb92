import type { LinearProbeTrainerProps } from '../../shared/linear/index.js';
import {
  BucketObjects,
  openDataset,
  readDatasetManifest,
  trainingKey,
  type DatasetManifest,
  type DatasetSources,
} from '../../shared/store/index.js';
import { pipelineConfig, s3Client } from './runtime.js';
import { trainingProps, type Candidate, type TrainingConfig } from './training-input.js';

/** The files of one candidate under `training/<run>/<candidate>/`. */
export type CandidateFile = 'checkpoint.bin' | 'progress.json' | 'model.bin' | 'evaluation.json';

export function candidateKey(runId: string, candidateId: string, file: CandidateFile): string {
  return trainingKey(runId, candidateId, file);
}

export function bucketObjects(): BucketObjects {
  return new BucketObjects(s3Client(), pipelineConfig().bucketName);
}

let cached:
  | { key: string; dataset: Promise<{ manifest: DatasetManifest; sources: DatasetSources }> }
  | undefined;

/**
 * Opens a run's dataset, keeping the last one for warm invocations: the next chunk of
 * the same run then skips reading the shards again.
 */
export function openRunDataset(
  datasetKey: string,
): Promise<{ manifest: DatasetManifest; sources: DatasetSources }> {
  if (cached?.key !== datasetKey) {
    const objects = bucketObjects();
    const dataset = (async () => {
      const manifest = await readDatasetManifest(objects, datasetKey);
      return { manifest, sources: await openDataset(objects, manifest) };
    })();
    dataset.catch(() => {
      if (cached?.dataset === dataset) cached = undefined;
    });
    cached = { key: datasetKey, dataset };
  }
  return cached.dataset;
}

/** Returns the trainer settings of one candidate on a dataset. */
export function trainerProps(
  manifest: DatasetManifest,
  config: TrainingConfig,
  candidate: Candidate,
): LinearProbeTrainerProps {
  return {
    ...trainingProps(config, candidate),
    labels: manifest.labels,
    backbone: { id: manifest.space.backboneId, featureLayer: manifest.space.featureLayer },
  };
}
