import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cosineSimilarity } from '../../shared/backbone/cosine-similarity.js';
import { featureModelFor } from '../../shared/backbone/feature-model.js';
import { loadLayersModelInPlace } from '../../shared/backbone/load-layers-model.js';
import { seededGlorotWeight, seededUniform } from '../../shared/backbone/seeded-weights.js';
import { writeVgg16Backbone } from '../../shared/backbone/vgg16-backbone-writer.js';
import { vgg16WeightShapes } from '../../shared/backbone/vgg16-topology.js';
import { initWasmBackend } from '../../shared/backbone/wasm-backend.js';
import { convertKerasH5 } from './build.js';
import { KerasWeightsError, openKerasVgg16Weights } from './keras-h5.js';

const WIDTH_DIVISOR = 32;
const LAYERS_WITHOUT_WEIGHTS = ['input_1', 'block1_pool', 'block2_pool', 'block3_pool', 'block4_pool', 'block5_pool', 'flatten'];

/** Random VGG16 weights with nonzero biases, so the bias path is checked too. */
function referenceWeights(): Float32Array[] {
  const random = seededUniform(99);
  return vgg16WeightShapes(WIDTH_DIVISOR).map((weight, index) => {
    const values = seededGlorotWeight(weight, index, 3);
    if (weight.shape.length === 1) {
      values.forEach((_, i) => (values[i] = 0.1 * (random() - 0.5)));
    }
    return values;
  });
}

/**
 * Writes weights the way Keras `save_weights` lays them out in the official VGG16 file:
 * root attribute `layer_names` (fixed-length strings), one group per layer with attribute
 * `weight_names`, and datasets named `<layer>_W_1:0` and `<layer>_b_1:0` inside the group.
 */
async function writeKerasH5(path: string, weights: Float32Array[], options: { swapShapes?: boolean } = {}): Promise<void> {
  await h5wasm.ready;
  const shapes = vgg16WeightShapes(WIDTH_DIVISOR);
  const weighted = [...new Set(shapes.map((w) => w.name.split('/')[0]))];
  const layerNames = [...LAYERS_WITHOUT_WEIGHTS.slice(0, 1), ...weighted, ...LAYERS_WITHOUT_WEIGHTS.slice(1)];

  const file = new h5wasm.File(path, 'w');
  file.create_attribute('layer_names', layerNames, null, 'S16');
  file.create_attribute('backend', 'tensorflow');
  file.create_attribute('keras_version', '1.2.2');
  for (const layer of LAYERS_WITHOUT_WEIGHTS) {
    file.create_group(layer).create_attribute('weight_names', [], [0], 'S1');
  }
  for (const layer of weighted) {
    const group = file.create_group(layer);
    const names = [`${layer}_W_1:0`, `${layer}_b_1:0`];
    group.create_attribute('weight_names', names, null, 'S32');
    names.forEach((name, k) => {
      const index = shapes.findIndex((w) => w.name === `${layer}/${k === 0 ? 'kernel' : 'bias'}`);
      const shape = [...shapes[index].shape];
      group.create_dataset({ name, data: weights[index], shape: options.swapShapes && k === 0 ? shape.reverse() : shape });
    });
  }
  file.close();
}

function fc2Features(model: tf.LayersModel, input: tf.Tensor4D): Float32Array {
  const { model: features } = featureModelFor(model, 'fc2');
  const output = features.predict(input) as tf.Tensor;
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
}

describe('Keras HDF5 conversion', () => {
  let scratch: string;
  let weights: Float32Array[];

  beforeAll(async () => {
    await initWasmBackend();
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-h5-'));
    weights = referenceWeights();
    await writeKerasH5(join(scratch, 'vgg16-narrow.h5'), weights);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('infers the width from block1_conv1', async () => {
    const keras = await openKerasVgg16Weights(join(scratch, 'vgg16-narrow.h5'));

    expect(keras.widthDivisor).toBe(WIDTH_DIVISOR);
    expect(Array.from(keras.readWeight(3))).toEqual(Array.from(weights[3]));
    keras.close();
  });

  it('uint8 conversion tracks the float32 weights', async () => {
    const converted = await convertKerasH5(join(scratch, 'vgg16-narrow.h5'), join(scratch, 'uint8'));
    const reference = await writeVgg16Backbone({
      backboneDir: join(scratch, 'float32'),
      id: 'reference',
      untrained: false,
      widthDivisor: WIDTH_DIVISOR,
      dtype: 'float32',
      readWeight: (index) => weights[index],
      weightsInfo: { source: 'seeded-glorot' },
    });
    const input = tf.randomUniform([2, 224, 224, 3], -120, 130, 'float32', 8) as tf.Tensor4D;
    const quantizedModel = await loadLayersModelInPlace(converted.modelJsonPath);
    const referenceModel = await loadLayersModelInPlace(reference.modelJsonPath);
    const actual = fc2Features(quantizedModel, input);
    const expected = fc2Features(referenceModel, input);

    const scale = Math.max(...expected.map(Math.abs));
    const maxError = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
    // Tolerance: cosine above 0.999 and every fc2 activation within 5% of the largest one.
    // Measured here: cosine 0.99963, max error 2.8% of the largest activation.
    expect(cosineSimilarity(actual, expected)).toBeGreaterThan(0.999);
    expect(maxError / scale).toBeLessThan(0.05);
    expect(converted.manifest.id).toBe('vgg16-w32');
    expect(converted.manifest.untrained).toBe(false);
    expect(converted.manifest.weights?.sha256).toMatch(/^[0-9a-f]{64}$/);
    quantizedModel.dispose();
    referenceModel.dispose();
    input.dispose();
  });

  it('rejects a kernel of the wrong shape', async () => {
    const path = join(scratch, 'swapped.h5');
    await writeKerasH5(path, weights, { swapShapes: true });

    await expect(convertKerasH5(path, join(scratch, 'swapped'))).rejects.toThrow(KerasWeightsError);
  });

  it('rejects a file that is not VGG16', async () => {
    await h5wasm.ready;
    const path = join(scratch, 'other.h5');
    const file = new h5wasm.File(path, 'w');
    file.create_attribute('layer_names', ['dense_1'], null, 'S8');
    file.close();

    await expect(openKerasVgg16Weights(path)).rejects.toThrow(/block1_conv1/);
  });
});
