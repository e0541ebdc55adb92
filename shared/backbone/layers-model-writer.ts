import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { elementCount, type LayersModelJson, type WeightSpec } from './layers-model-json.js';
import { quantizeUint8 } from './quantization.js';
import { DEFAULT_SHARD_BYTES, ShardWriter } from './weight-shards.js';

export type StoredWeightDtype = 'uint8' | 'float32';

export interface WeightShape {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface WriteLayersModelOptions {
  /** Folder to create; `model.json` and the shards are written into it. */
  readonly dir: string;
  /** The Keras topology, as `LayersModel.toJSON(null, false)` returns it. */
  readonly modelTopology: Record<string, unknown>;
  /** Every weight in the order the shards store them. */
  readonly weights: readonly WeightShape[];
  /**
   * Returns the float32 values of weight `index`. It is called once per weight, in order,
   * so a caller can generate or read one tensor at a time.
   */
  readonly readWeight: (index: number) => Promise<Float32Array> | Float32Array;
  /** @default 'uint8' */
  readonly dtype?: StoredWeightDtype;
  /** @default DEFAULT_SHARD_BYTES */
  readonly shardBytes?: number;
  readonly userDefinedMetadata?: Record<string, unknown>;
}

/**
 * Writes a TensorFlow.js layers model (`model.json` and binary shards). With dtype uint8,
 * every tensor is quantized on its own and the manifest carries its min and scale, as
 * `tensorflowjs_converter --quantize_uint8` writes them.
 *
 * @returns the path of the written `model.json`.
 */
export async function writeLayersModel(options: WriteLayersModelOptions): Promise<string> {
  const dtype = options.dtype ?? 'uint8';
  const bytesPerElement = dtype === 'uint8' ? 1 : 4;
  const totalBytes = options.weights.reduce(
    (sum, weight) => sum + elementCount(weight.shape) * bytesPerElement,
    0,
  );

  await mkdir(options.dir, { recursive: true });
  const shards = new ShardWriter(options.dir, totalBytes, options.shardBytes ?? DEFAULT_SHARD_BYTES);
  const specs: WeightSpec[] = [];

  for (const [index, weight] of options.weights.entries()) {
    const values = await options.readWeight(index);
    const expected = elementCount(weight.shape);
    if (values.length !== expected) {
      throw new RangeError(
        `weight ${weight.name} has ${values.length} values but shape [${weight.shape}] needs ${expected}`,
      );
    }

    if (dtype === 'uint8') {
      const { bytes, quantization } = quantizeUint8(values);
      await shards.write(bytes);
      specs.push({ name: weight.name, shape: [...weight.shape], dtype: 'float32', quantization });
    } else {
      await shards.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      specs.push({ name: weight.name, shape: [...weight.shape], dtype: 'float32' });
    }
  }
  await shards.close();

  const modelJson: LayersModelJson = {
    format: 'layers-model',
    generatedBy: 'vgg-probe',
    convertedBy: null,
    modelTopology: options.modelTopology,
    weightsManifest: [{ paths: shards.paths, weights: specs }] as tf.io.WeightsManifestConfig,
    ...(options.userDefinedMetadata ? { userDefinedMetadata: options.userDefinedMetadata } : {}),
  };
  const modelJsonPath = join(options.dir, 'model.json');
  await writeFile(modelJsonPath, JSON.stringify(modelJson));
  return modelJsonPath;
}
