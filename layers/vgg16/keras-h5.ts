import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

import h5wasm from 'h5wasm/node';

import { vgg16WeightShapes, VGG16_BLOCK_FILTERS } from '../../shared/backbone/vgg16-topology.js';
import type { WeightShape } from '../../shared/backbone/layers-model-writer.js';

/** File name of the official Keras VGG16 weights with the classifier ("with top"). */
export const KERAS_VGG16_FILE = 'vgg16_weights_tf_dim_ordering_tf_kernels.h5';

/** MD5 that Keras's `applications/vgg16.py` passes as `file_hash` when it downloads the file. */
export const KERAS_VGG16_MD5 = '64373286793e3c8b2b4e3219cbf3544b';

export class KerasWeightsError extends Error {
  override readonly name = 'KerasWeightsError';
}

/** The weights of a Keras VGG16 HDF5 file, read one tensor at a time. */
export interface KerasVgg16Weights {
  /** 1 for the real VGG16; more for the narrower test networks. */
  readonly widthDivisor: number;
  readonly weights: readonly WeightShape[];
  /** Values of weight `index` of `weights`, as float32 in Keras layout (channels last). */
  readWeight(index: number): Float32Array;
  close(): void;
}

type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

function stringList(value: unknown): string[] {
  let list: unknown[] = [];
  if (Array.isArray(value)) {
    list = value;
  } else if (value !== undefined && value !== null) {
    list = [value];
  }
  return list.map((item) => (typeof item === 'string' ? item : new TextDecoder().decode(item as Uint8Array)));
}

/**
 * Opens a Keras weights file in the layout `model.save_weights()` writes: a root attribute
 * `layer_names`, one group per layer with an attribute `weight_names`, and one dataset per
 * weight at `<layer>/<weight name>`. For each weighted VGG16 layer the first name is the
 * kernel and the second the bias, whatever the names themselves are (Keras 1 wrote
 * `block1_conv1_W_1:0`, Keras 2 writes `block1_conv1/kernel:0`).
 */
export async function openKerasVgg16Weights(h5Path: string): Promise<KerasVgg16Weights> {
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(h5Path, 'r');
  } catch (error) {
    throw new KerasWeightsError(`cannot open ${h5Path} as HDF5: ${(error as Error).message}`);
  }

  try {
    const layerNames = stringList(file.attrs['layer_names']?.value);
    if (!layerNames.includes('block1_conv1')) {
      throw new KerasWeightsError(
        `${h5Path} has no VGG16 layer block1_conv1 in its layer_names attribute; is it a Keras VGG16 weights file?`,
      );
    }

    const firstKernel = datasetsOf(file, 'block1_conv1', h5Path)[0];
    const firstFilters = firstKernel.shape?.at(-1) ?? 0;
    const widthDivisor = VGG16_BLOCK_FILTERS[0][0] / firstFilters;
    let weights: WeightShape[];
    try {
      weights = vgg16WeightShapes(widthDivisor);
    } catch {
      throw new KerasWeightsError(`${h5Path}: block1_conv1 has ${firstFilters} filters, which fits no VGG16 width`);
    }

    const readWeight = (index: number): Float32Array => {
      const weight = weights[index];
      const [layer, kind] = weight.name.split('/');
      const dataset = datasetsOf(file, layer, h5Path)[kind === 'kernel' ? 0 : 1];
      if ((dataset.shape ?? []).join(',') !== weight.shape.join(',')) {
        throw new KerasWeightsError(
          `${h5Path}: ${weight.name} has shape [${dataset.shape}], expected [${weight.shape}] for VGG16`,
        );
      }
      const value = dataset.value;
      if (!(value instanceof Float32Array)) {
        throw new KerasWeightsError(`${h5Path}: ${weight.name} is not float32 (dtype ${String(dataset.dtype)})`);
      }
      return value;
    };

    return { widthDivisor, weights, readWeight, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

function datasetsOf(file: InstanceType<typeof h5wasm.File>, layer: string, source: string): H5Dataset[] {
  const group = file.get(layer) as H5Group | null;
  if (group === null || !(group instanceof h5wasm.Group)) {
    throw new KerasWeightsError(`${source} has no group for layer ${layer}`);
  }
  const names = stringList(group.attrs['weight_names']?.value);
  if (names.length !== 2) {
    throw new KerasWeightsError(`${source}: layer ${layer} lists ${names.length} weights, expected kernel and bias`);
  }
  return names.map((name) => {
    const dataset = group.get(name);
    if (!(dataset instanceof h5wasm.Dataset)) {
      throw new KerasWeightsError(`${source}: dataset ${layer}/${name} is missing`);
    }
    return dataset;
  });
}

/** Computes SHA-256 and MD5 of a file in one pass. */
export async function fileDigests(path: string): Promise<{ sha256: string; md5: string }> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), md5: md5.digest('hex') };
}
