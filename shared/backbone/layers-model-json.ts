import { readFile } from 'node:fs/promises';

import type * as tf from '@tensorflow/tfjs';

/** One weight as listed in `model.json`: name, shape, dtype and optional quantization. */
export type WeightSpec = tf.io.WeightsManifestEntry;

/** The parsed `model.json` of a TensorFlow.js layers model. */
export interface LayersModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: Record<string, unknown>;
  readonly weightsManifest: tf.io.WeightsManifestConfig;
  readonly userDefinedMetadata?: Record<string, unknown>;
}

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

/** Reads and checks a layers-model `model.json`. */
export async function readLayersModelJson(modelJsonPath: string): Promise<LayersModelJson> {
  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (error) {
    throw new ModelFormatError(`cannot read model file ${modelJsonPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(`${modelJsonPath} is not valid JSON: ${(error as Error).message}`);
  }
  return checkLayersModelJson(parsed, modelJsonPath);
}

export function checkLayersModelJson(value: unknown, source: string): LayersModelJson {
  const json = value as Partial<LayersModelJson> | null;
  if (json === null || typeof json !== 'object' || typeof json.modelTopology !== 'object') {
    throw new ModelFormatError(
      `${source} has no modelTopology: it is not a TensorFlow.js layers model ` +
        `(graph models from the TF.js converter cannot be used as a backbone)`,
    );
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new ModelFormatError(`${source} has no weightsManifest array`);
  }
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFormatError(`${source}: every weightsManifest group needs paths and weights`);
    }
  }
  return json as LayersModelJson;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  uint16: 2,
  uint8: 1,
  float16: 2,
  bool: 1,
};

/** Returns how many bytes one weight takes in the shards. */
export function weightByteLength(spec: WeightSpec): number {
  const storedDtype = spec.quantization?.dtype ?? spec.dtype;
  const bytesPerElement = BYTES_PER_ELEMENT[storedDtype];
  if (bytesPerElement === undefined) {
    throw new ModelFormatError(`weight ${spec.name} has unsupported stored dtype ${storedDtype}`);
  }
  return elementCount(spec.shape) * bytesPerElement;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Finds the `model_config` inside a Keras topology, which the converter may nest one level. */
export function modelConfigOf(topology: Record<string, unknown>): Record<string, unknown> {
  const nested = topology['model_config'];
  return (nested !== undefined ? nested : topology) as Record<string, unknown>;
}
