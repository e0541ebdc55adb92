import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fileSystemIOHandler } from './fs-io-handler.js';
import { ModelFormatError } from './layers-model-json.js';
import { loadLayersModelInPlace } from './load-layers-model.js';
import { buildTestBackbone, type TestBackbone } from './test-backbone.js';
import { initWasmBackend } from './wasm-backend.js';

function seededInput(): tf.Tensor4D {
  return tf.randomUniform([2, 224, 224, 3], -120, 130, 'float32', 5) as tf.Tensor4D;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i] - b[i]));
  }
  return max;
}

describe('loadLayersModelInPlace', () => {
  let backbone: TestBackbone;

  beforeAll(async () => {
    await initWasmBackend();
    backbone = await buildTestBackbone({ widthDivisor: 32 });
  });

  afterAll(async () => {
    await backbone.cleanup();
  });

  it('matches tf.loadLayersModel', async () => {
    const reference = await tf.loadLayersModel(fileSystemIOHandler(backbone.modelJsonPath));
    const model = await loadLayersModelInPlace(backbone.modelJsonPath);
    const input = seededInput();

    const expected = (reference.predict(input) as tf.Tensor).dataSync();
    const actual = (model.predict(input) as tf.Tensor).dataSync();

    // Dense layers multiply with a transposed kernel here, which changes only the float32
    // summation order: measured max difference 2.3e-10 on probabilities of about 1e-3.
    expect(actual.length).toBe(2 * 1000);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-8);
    reference.dispose();
    model.dispose();
    input.dispose();
  });

  it('leaves no tensors behind after dispose', async () => {
    const before = tf.memory().numTensors;
    const model = await loadLayersModelInPlace(backbone.modelJsonPath);
    model.dispose();

    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a missing shard', async () => {
    const copy = await buildTestBackbone({ widthDivisor: 64 });
    const manifest = JSON.parse(await readFile(copy.modelJsonPath, 'utf8'));
    await rm(join(copy.backboneDir, manifest.weightsManifest[0].paths[0]));

    await expect(loadLayersModelInPlace(copy.modelJsonPath)).rejects.toThrow(/missing/);
    await copy.cleanup();
  });

  it('rejects a shape mismatch', async () => {
    const copy = await buildTestBackbone({ widthDivisor: 64 });
    const manifest = JSON.parse(await readFile(copy.modelJsonPath, 'utf8'));
    manifest.weightsManifest[0].weights[1].shape = [2];
    manifest.weightsManifest[0].weights[0].shape = [3, 3, 3, 1];
    await writeFile(copy.modelJsonPath, JSON.stringify(manifest));

    await expect(loadLayersModelInPlace(copy.modelJsonPath)).rejects.toThrow(ModelFormatError);
    await copy.cleanup();
  });
});

describe('fileSystemIOHandler', () => {
  it('saves and loads a model', async () => {
    await initWasmBackend();
    const backbone = await buildTestBackbone({ widthDivisor: 64 });
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu', name: 'dense_a' })],
    });
    const path = join(backbone.backboneDir, 'saved', 'model.json');
    await model.save(fileSystemIOHandler(path));

    const loaded = await tf.loadLayersModel(fileSystemIOHandler(path));
    const input = tf.tensor2d([[1, -2, 3, 0.5]]);

    expect(Array.from((loaded.predict(input) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(input) as tf.Tensor).dataSync()),
    );
    await backbone.cleanup();
  });
});
