import { InvalidKeyError } from './errors.js';
import { validateLabel } from './labels.js';

/**
 * The bucket layout. Every key the pipeline reads or writes is built here.
 *
 * - `images/<label>/<path>`: uploads; the first folder is the label.
 * - `features/<backbone>/<feature layer>/<label>/<path>.f32`: one feature vector.
 * - `errors/<backbone>/<feature layer>/<label>/<path>.json`: why an image was not extracted.
 * - `training/<run id>/…`: a training run's dataset index, shards and checkpoints.
 * - `models/<version>/…`: immutable published models; `models/current.json` points to one.
 */
export const IMAGES_PREFIX = 'images/';
export const FEATURES_PREFIX = 'features/';
export const ERRORS_PREFIX = 'errors/';
export const TRAINING_PREFIX = 'training/';
export const MODELS_PREFIX = 'models/';
export const CURRENT_MODEL_KEY = 'models/current.json';

export const FEATURE_SUFFIX = '.f32';
export const ERROR_SUFFIX = '.json';

/** An image key split into its parts. */
export interface ImageKeyParts {
  /** The full key, `images/<label>/<path>`. */
  readonly key: string;
  readonly label: string;
  /** The key below the label folder, which may contain further folders. */
  readonly path: string;
}

/** Identifies one feature space: a backbone and the layer its vectors come from. */
export interface FeatureSpace {
  readonly backboneId: string;
  readonly featureLayer: string;
}

/** A key segment chosen by code or configuration (backbone id, layer, run id, version). */
const SEGMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.=-]*$/;

/** Throws {@link InvalidKeyError} unless `value` is usable as one key segment. */
export function checkSegment(value: string, name: string): string {
  if (!SEGMENT_PATTERN.test(value) || value.length > 200) {
    throw new InvalidKeyError(
      value,
      `${name} must be 1-200 characters of A-Z, a-z, 0-9, "_", ".", "=", "-", starting with a letter or digit`,
    );
  }
  return value;
}

/** Returns true for folder placeholder objects such as `images/cats/`, which hold no image. */
export function isFolderMarker(key: string): boolean {
  return key.endsWith('/');
}

/**
 * Splits an image key into label and path. Throws {@link InvalidKeyError} for keys outside
 * `images/`, keys without a label folder, and {@link InvalidLabelError} for unsafe labels.
 */
export function parseImageKey(key: string): ImageKeyParts {
  if (!key.startsWith(IMAGES_PREFIX)) {
    throw new InvalidKeyError(key, `images must be under ${IMAGES_PREFIX}`);
  }
  const rest = key.slice(IMAGES_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new InvalidKeyError(
      key,
      'expected images/<label>/<file>: put each image in a folder named after its label',
    );
  }
  const path = rest.slice(slash + 1);
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InvalidKeyError(key, 'empty, "." and ".." path segments are not allowed');
  }
  return { key, label: validateLabel(rest.slice(0, slash)), path };
}

/** Builds `images/<label>/<path>`. */
export function imageKey(label: string, path: string): string {
  return parseImageKey(`${IMAGES_PREFIX}${label}/${path}`).key;
}

/** Returns the prefix of all feature vectors of one feature space. */
export function featurePrefix(space: FeatureSpace): string {
  return `${FEATURES_PREFIX}${spacePath(space)}/`;
}

/** Returns the prefix of all error records of one feature space. */
export function errorPrefix(space: FeatureSpace): string {
  return `${ERRORS_PREFIX}${spacePath(space)}/`;
}

/**
 * Returns the feature vector key of an image. The image key is not parsed here, so that an
 * image with an invalid label still maps to a key (its error record needs one).
 *
 * NOTE: S3 keys have at most 1,024 bytes. This key and the error record key are longer than
 * the image key by the backbone id, the layer name and 7 or 8 bytes. An image key that
 * close to the limit gets neither output in S3. The local S3 server does not enforce the
 * limit, so local runs do not show it.
 */
export function featureKey(space: FeatureSpace, image: string): string {
  return featurePrefix(space) + relativeImagePath(image) + FEATURE_SUFFIX;
}

/** Returns the error record key of an image. */
export function errorKey(space: FeatureSpace, image: string): string {
  return errorPrefix(space) + relativeImagePath(image) + ERROR_SUFFIX;
}

/** Returns the image key that a feature vector key was derived from. */
export function imageKeyOfFeature(space: FeatureSpace, key: string): string {
  const prefix = featurePrefix(space);
  if (!key.startsWith(prefix) || !key.endsWith(FEATURE_SUFFIX)) {
    throw new InvalidKeyError(key, `expected ${prefix}<label>/<file>${FEATURE_SUFFIX}`);
  }
  return IMAGES_PREFIX + key.slice(prefix.length, -FEATURE_SUFFIX.length);
}

/** Returns the prefix of one training run's objects. */
export function trainingPrefix(runId: string): string {
  return `${TRAINING_PREFIX}${checkSegment(runId, 'training run id')}/`;
}

/** Returns a key inside one training run, for example `trainingKey(run, 'dataset.json')`. */
export function trainingKey(runId: string, ...parts: string[]): string {
  return (
    trainingPrefix(runId) +
    parts.map((part) => checkSegment(part, 'training object name')).join('/')
  );
}

/** Returns the prefix of one published model version. */
export function modelPrefix(version: string): string {
  return `${MODELS_PREFIX}${checkSegment(version, 'model version')}/`;
}

/** Returns the key of a file of one published model version. */
export function modelKey(version: string, file: ModelFile): string {
  return modelPrefix(version) + file;
}

/** The files of a published model version. */
export type ModelFile = 'model.bin' | 'metrics.json' | 'report.html';

function spacePath(space: FeatureSpace): string {
  const backbone = checkSegment(space.backboneId, 'backbone id');
  const layer = checkSegment(space.featureLayer, 'feature layer');
  return `${backbone}/${layer}`;
}

function relativeImagePath(image: string): string {
  if (!image.startsWith(IMAGES_PREFIX) || image.length === IMAGES_PREFIX.length) {
    throw new InvalidKeyError(image, `images must be under ${IMAGES_PREFIX}`);
  }
  return image.slice(IMAGES_PREFIX.length);
}
