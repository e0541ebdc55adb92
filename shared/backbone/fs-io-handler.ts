import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { readLayersModelJson } from './layers-model-json.js';
import { readWeightData, ShardWriter, splitModelPath } from './weight-shards.js';

/**
 * Returns a TensorFlow.js IOHandler for `model.json` files on the local filesystem. `file://`
 * URLs work only with tfjs-node, so the pure-JavaScript packages need this.
 *
 * `load()` returns the topology and all weights in one buffer, and `tf.loadLayersModel`
 * dequantizes uint8 weights. `save()` writes float32 shards as `model.save(handler)` gives them.
 */
export function fileSystemIOHandler(modelJsonPath: string): tf.io.IOHandler {
  const { dir } = splitModelPath(modelJsonPath);

  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = await readLayersModelJson(modelJsonPath);
      const { data, specs } = await readWeightData(dir, json.weightsManifest);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: data,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
      };
    },

    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TypeError('saving a binary (GraphDef) topology is not supported; save a layers model');
      }
      await mkdir(dir, { recursive: true });

      const buffers = artifacts.weightData === undefined ? [] : [artifacts.weightData].flat();
      const totalBytes = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
      const shards = new ShardWriter(dir, totalBytes);
      for (const buffer of buffers) {
        await shards.write(new Uint8Array(buffer));
      }
      await shards.close();

      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: shards.paths, weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeFile(join(dir, splitModelPath(modelJsonPath).file), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}
