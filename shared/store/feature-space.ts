import { DatasetError } from './dataset-errors.js';
import { FEATURES_PREFIX, type FeatureSpace } from './keys.js';
import type { BucketObjects } from './objects.js';

/** Lists the feature spaces (backbone and layer folders) that hold feature vectors. */
export async function listFeatureSpaces(objects: BucketObjects): Promise<FeatureSpace[]> {
  const spaces: FeatureSpace[] = [];
  for (const backboneId of await objects.listFolders(FEATURES_PREFIX)) {
    for (const featureLayer of await objects.listFolders(`${FEATURES_PREFIX}${backboneId}/`)) {
      spaces.push({ backboneId, featureLayer });
    }
  }
  return spaces;
}

/**
 * Chooses the feature space to train on. Fields set in `requested` must match; when
 * several spaces remain, the caller must say which one.
 */
export async function resolveFeatureSpace(
  objects: BucketObjects,
  requested: Partial<FeatureSpace>,
): Promise<FeatureSpace> {
  const all = await listFeatureSpaces(objects);
  if (all.length === 0) {
    throw new DatasetError(
      'NoFeatureVectors',
      'no feature vectors found under features/: upload images to images/<label>/<file> and wait for ' +
        'extraction, or run the backfill state machine',
    );
  }
  const matching = all.filter(
    (space) =>
      (requested.backboneId === undefined || space.backboneId === requested.backboneId) &&
      (requested.featureLayer === undefined || space.featureLayer === requested.featureLayer),
  );
  const names = all.map((space) => `${space.backboneId}/${space.featureLayer}`).join(', ');
  if (matching.length === 0) {
    throw new DatasetError(
      'FeatureSpaceNotFound',
      `no feature vectors for backbone ${requested.backboneId ?? 'any'} and layer ${requested.featureLayer ?? 'any'}; ` +
        `the bucket has: ${names}`,
    );
  }
  if (matching.length > 1) {
    throw new DatasetError(
      'AmbiguousFeatureSpace',
      `the bucket has features of several backbones or layers (${names}); set "backboneId" and "featureLayer" in the input`,
    );
  }
  return matching[0];
}
