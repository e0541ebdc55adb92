import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { RESIZE_POLICIES, type ResizePolicy } from '../image/center-crop.js';
import { PREPROCESSING_MODES, type PreprocessingMode } from '../image/preprocess.js';
import {
  checkLayersModelJson,
  type LayersModelJson,
  ModelFormatError,
  modelConfigOf,
} from './layers-model-json.js';

export const BACKBONE_MANIFEST_FILE = 'backbone.json';

/** Origin of the weights, for people reading the manifest and for benchmarks. */
export interface BackboneWeightsInfo {
  readonly source: 'keras-h5' | 'seeded-glorot' | 'tfjs-layers-model';
  readonly dtype: 'uint8' | 'float32';
  readonly seed?: number;
  readonly widthDivisor?: number;
  /** SHA-256 of the converted file, for keras-h5. */
  readonly sha256?: string;
  readonly parameters?: number;
}

/** `backbone.json`: what the extractor needs to know about a TF.js layers model. */
export interface BackboneManifest {
  /** Short name used in storage keys, such as `vgg16`; seeded builds get their own id. */
  readonly id: string;
  /** Side of the square RGB input in pixels. */
  readonly inputSize: number;
  readonly preprocessing: PreprocessingMode;
  /** Resize policy to the input size, in training and prediction alike. @default DEFAULT_RESIZE_POLICY */
  readonly resize?: ResizePolicy;
  /** The feature layer used when the caller names none. */
  readonly featureLayer: string;
  /** True for seeded random weights: features then carry no ImageNet knowledge. */
  readonly untrained: boolean;
  /** Path of `model.json`, relative to the manifest. @default 'model.json' */
  readonly model?: string;
  readonly weights?: BackboneWeightsInfo;
}

/** A manifest with the absolute path of its model, and how it was found. */
export interface ResolvedBackbone {
  readonly manifest: BackboneManifest;
  readonly modelJsonPath: string;
  /** The manifest file, or undefined when the manifest was inferred from a bare model folder. */
  readonly manifestPath?: string;
  /** Fields that were inferred rather than read, in words. */
  readonly inferred: readonly string[];
}

export function checkBackboneManifest(value: unknown, source: string): BackboneManifest {
  const m = value as Partial<BackboneManifest> | null;
  const problems: string[] = [];
  if (m === null || typeof m !== 'object') {
    throw new ModelFormatError(`${source} is not a JSON object`);
  }
  if (typeof m.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(m.id)) {
    problems.push('id must be lowercase letters, digits, ".", "_" or "-"');
  }
  if (!Number.isInteger(m.inputSize) || (m.inputSize ?? 0) < 1) {
    problems.push('inputSize must be a positive integer');
  }
  if (!PREPROCESSING_MODES.includes(m.preprocessing as PreprocessingMode)) {
    problems.push(`preprocessing must be one of ${PREPROCESSING_MODES.join(', ')}`);
  }
  if (m.resize !== undefined && !RESIZE_POLICIES.includes(m.resize)) {
    problems.push(`resize must be one of ${RESIZE_POLICIES.join(', ')}`);
  }
  if (typeof m.featureLayer !== 'string' || m.featureLayer === '') {
    problems.push('featureLayer must name a layer');
  }
  if (typeof m.untrained !== 'boolean') {
    problems.push('untrained must be true or false');
  }
  if (m.model !== undefined && typeof m.model !== 'string') {
    problems.push('model must be a path relative to the manifest');
  }
  if (problems.length > 0) {
    throw new ModelFormatError(`invalid backbone manifest ${source}: ${problems.join('; ')}`);
  }
  return m as BackboneManifest;
}

export async function readBackboneManifest(manifestPath: string): Promise<ResolvedBackbone> {
  const json = await readJson(manifestPath);
  const manifest = checkBackboneManifest(json, manifestPath);
  const modelJsonPath = resolve(dirname(manifestPath), manifest.model ?? 'model.json');
  return { manifest, modelJsonPath, manifestPath, inferred: [] };
}

export async function writeBackboneManifest(dir: string, manifest: BackboneManifest): Promise<string> {
  const path = join(dir, BACKBONE_MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify(checkBackboneManifest(manifest, path), null, 2)}\n`);
  return path;
}

/**
 * Finds the backbone at `path`: a `backbone.json`, a folder that contains one, a TF.js
 * `model.json`, or a folder with a bare `model.json`. For a bare model the manifest is
 * inferred (see `inferBackboneManifest`), and the result lists what was guessed.
 */
export async function resolveBackbone(path: string): Promise<ResolvedBackbone> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    throw new ModelFormatError(
      `backbone ${path} not found; build one with npm run build:weights or pass a backbone.json or model folder`,
    );
  }

  if (info.isDirectory()) {
    if (existsSync(join(path, BACKBONE_MANIFEST_FILE))) {
      return readBackboneManifest(join(path, BACKBONE_MANIFEST_FILE));
    }
    if (existsSync(join(path, 'model.json'))) {
      return resolveBareModel(join(path, 'model.json'));
    }
    throw new ModelFormatError(`${path} contains neither ${BACKBONE_MANIFEST_FILE} nor model.json`);
  }

  const json = await readJson(path);
  if (json !== null && typeof json === 'object' && 'modelTopology' in json) {
    return resolveBareModel(path, json);
  }
  return readBackboneManifest(path);
}

async function resolveBareModel(modelJsonPath: string, json?: unknown): Promise<ResolvedBackbone> {
  const model = checkLayersModelJson(json ?? (await readJson(modelJsonPath)), modelJsonPath);
  const { manifest, inferred } = inferBackboneManifest(model, basename(dirname(resolve(modelJsonPath))));
  return { manifest, modelJsonPath: resolve(modelJsonPath), inferred };
}

interface KerasLayerJson {
  readonly class_name: string;
  readonly name?: string;
  readonly config: Record<string, unknown>;
}

const CAFFE_MODELS = /^(vgg1[69]|resnet(50|101|152)?)\b/i;
const TF_MODELS = /^(mobilenet|inception|xception|nasnet)/i;

/**
 * Infers a manifest from a bare layers model. Only facts the file states are used:
 * the input size from the input layer, and as feature layer the last global-average-pooling
 * layer or else `fc2`. The preprocessing mode comes from the Keras model name when it names
 * a Keras application (vgg16, resnet50: caffe; mobilenet, inception, xception: tf). For any
 * other model it throws an error that requests a manifest, because a wrong mode gives
 * silently wrong features.
 */
export function inferBackboneManifest(
  model: LayersModelJson,
  folderName: string,
): { manifest: BackboneManifest; inferred: string[] } {
  const config = modelConfigOf(model.modelTopology)['config'] as
    | { name?: string; layers?: KerasLayerJson[] }
    | undefined;
  const layers = config?.layers ?? [];
  const modelName = config?.name ?? '';
  const example =
    `write a ${BACKBONE_MANIFEST_FILE} beside model.json, for example ` +
    `{"id":"my-net","inputSize":224,"preprocessing":"tf","featureLayer":"global_average_pooling2d_1","untrained":false}`;

  const inputShape = layers.find((layer) => layer.class_name === 'InputLayer')?.config[
    'batch_input_shape'
  ] as (number | null)[] | undefined;
  if (!inputShape || inputShape.length !== 4 || inputShape[1] !== inputShape[2] || inputShape[3] !== 3) {
    throw new ModelFormatError(`cannot infer a square RGB input size from the model; ${example}`);
  }

  const preprocessing: PreprocessingMode | undefined = CAFFE_MODELS.test(modelName)
    ? 'caffe'
    : TF_MODELS.test(modelName)
      ? 'tf'
      : undefined;
  if (preprocessing === undefined) {
    throw new ModelFormatError(
      `cannot infer the preprocessing of model '${modelName}' (not a known Keras application); ${example}`,
    );
  }

  const pooling = layers.filter((layer) => layer.class_name === 'GlobalAveragePooling2D').pop();
  const featureLayer = pooling?.config['name'] ?? layers.find((layer) => layer.config['name'] === 'fc2')?.config['name'];
  if (typeof featureLayer !== 'string') {
    throw new ModelFormatError(`cannot infer a feature layer of model '${modelName}'; ${example}`);
  }

  const id = folderName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'model';
  const manifest: BackboneManifest = {
    id,
    inputSize: inputShape[1] as number,
    preprocessing,
    featureLayer,
    untrained: false,
    weights: { source: 'tfjs-layers-model', dtype: isQuantized(model) ? 'uint8' : 'float32' },
  };
  return {
    manifest,
    inferred: [
      `id '${id}' from the folder name`,
      `preprocessing '${preprocessing}' from the Keras model name '${modelName}'`,
      `featureLayer '${featureLayer}'`,
      'untrained false (a bare model is assumed to be pretrained)',
    ],
  };
}

function isQuantized(model: LayersModelJson): boolean {
  return model.weightsManifest.some((group) => group.weights.some((weight) => weight.quantization));
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelFormatError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
