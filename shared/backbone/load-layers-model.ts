import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import {
  elementCount,
  ModelFormatError,
  readLayersModelJson,
  weightByteLength,
  type WeightSpec,
} from './layers-model-json.js';
import { TRANSPOSED_DENSE_CLASS_NAME, TransposedKernelDense } from './transposed-dense.js';
import { readWeightData, splitModelPath } from './weight-shards.js';

const UNINITIALIZED_CLASS_NAME = 'VggProbeUninitializedWeights';

/**
 * An initializer that allocates a weight without computing any values, because the loader
 * overwrites every weight right after the model is built. On the WASM backend it only
 * reserves heap memory. On other backends it falls back to zeros.
 */
class UninitializedWeights extends tf.serialization.Serializable {
  static readonly className = UNINITIALIZED_CLASS_NAME;

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (tf.getBackend() !== 'wasm') {
      return tf.zeros(shape, dtype);
    }
    const backend = tf.backend() as BackendWasm;
    const dataId = backend.write(null, shape, dtype);
    return tf.engine().makeTensorFromDataId(dataId, shape, dtype, backend);
  }
}
tf.serialization.registerClass(UninitializedWeights);

/**
 * Loads a layers model from `model.json` with at most one copy of the weights outside the
 * WASM heap: the raw shard bytes (uint8 when quantized). Each weight is dequantized straight
 * into the heap memory of its variable. `tf.loadLayersModel` would instead run the
 * initializers (or allocate zeros) and then decode every weight into a new float32 array
 * and a second tensor, about three float32 copies of the weights at peak.
 *
 * Every weight of the topology must be in the manifest with the same shape, and every
 * manifest entry must belong to the topology.
 *
 * The model is meant for inference: Dense layers become TransposedKernelDense, which stores
 * the kernel transposed (its comment gives the reason), so `getWeights()` returns those kernels transposed.
 */
export async function loadLayersModelInPlace(modelJsonPath: string): Promise<tf.LayersModel> {
  const json = await readLayersModelJson(modelJsonPath);
  const topology = withTransposedDenseLayers(withUninitializedWeights(json.modelTopology));
  const model = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);

  try {
    const { data, specs } = await readWeightData(splitModelPath(modelJsonPath).dir, json.weightsManifest);
    fillWeights(model, data, specs, modelJsonPath);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Returns a copy of the topology whose initializers all allocate without computing. */
export function withUninitializedWeights<T>(topology: T): T {
  return JSON.parse(JSON.stringify(topology), (key, value: unknown) => {
    const isInitializer = key.endsWith('_initializer') || key.endsWith('Initializer');
    if (isInitializer && value !== null && typeof value === 'object') {
      return { class_name: UNINITIALIZED_CLASS_NAME, config: {} };
    }
    return value;
  }) as T;
}

/** Returns a copy of the topology with every Dense layer replaced by TransposedKernelDense. */
export function withTransposedDenseLayers<T>(topology: T): T {
  return JSON.parse(JSON.stringify(topology), (key, value: unknown) =>
    key === 'class_name' && value === 'Dense' ? TRANSPOSED_DENSE_CLASS_NAME : value,
  ) as T;
}

interface LocatedSpec {
  readonly spec: WeightSpec;
  readonly offset: number;
}

function fillWeights(model: tf.LayersModel, data: ArrayBuffer, specs: WeightSpec[], source: string): void {
  const located = new Map<string, LocatedSpec>();
  let offset = 0;
  for (const spec of specs) {
    if (located.has(spec.name)) {
      throw new ModelFormatError(`${source} lists weight ${spec.name} twice`);
    }
    located.set(spec.name, { spec, offset });
    offset += weightByteLength(spec);
  }

  const transposedKernels = new Set<tf.LayerVariable>();
  for (const layer of model.layers) {
    if (layer instanceof TransposedKernelDense && layer.kernel !== null) {
      transposedKernels.add(layer.kernel);
    }
  }

  const unused = new Set(located.keys());
  for (const weight of model.weights) {
    const entry = located.get(weight.originalName);
    if (entry === undefined) {
      throw new ModelFormatError(`${source} has no values for weight ${weight.originalName}`);
    }
    const transposed = transposedKernels.has(weight);
    const heldShape = transposed ? [...weight.shape].reverse() : weight.shape;
    if (entry.spec.shape.join(',') !== heldShape.join(',')) {
      throw new ModelFormatError(
        `${source}: weight ${weight.originalName} has shape [${entry.spec.shape}] in the manifest ` +
          `but [${heldShape}] in the topology`,
      );
    }
    writeWeight(weight, entry, data, transposed);
    unused.delete(weight.originalName);
  }

  if (unused.size > 0) {
    throw new ModelFormatError(
      `${source} lists weights that the topology does not use: ${[...unused].slice(0, 5).join(', ')}`,
    );
  }
}

function writeWeight(weight: tf.LayerVariable, entry: LocatedSpec, data: ArrayBuffer, transposed: boolean): void {
  if (entry.spec.dtype !== 'float32' || weight.dtype !== 'float32') {
    throw new ModelFormatError(`weight ${entry.spec.name} has dtype ${entry.spec.dtype}; only float32 is supported`);
  }
  const source = storedValues(data, entry);

  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as BackendWasm;
    const heapView = backend.typedArrayFromHeap(weight.read()) as Float32Array;
    writeValues(source, entry.spec.shape, transposed, heapView);
    return;
  }

  const values = new Float32Array(elementCount(entry.spec.shape));
  writeValues(source, entry.spec.shape, transposed, values);
  const tensor = tf.tensor(values, weight.shape as number[], 'float32');
  weight.write(tensor);
  tensor.dispose();
}

/** The stored elements of a weight and the affine map to float32 (scale 1, min 0 when unquantized). */
interface StoredValues {
  readonly elements: Uint8Array | Uint16Array | Float32Array;
  readonly scale: number;
  readonly min: number;
}

function storedValues(data: ArrayBuffer, { spec, offset }: LocatedSpec): StoredValues {
  const count = elementCount(spec.shape);
  const quantization = spec.quantization;

  if (quantization === undefined) {
    // A Float32Array view needs a 4-byte aligned offset, which mixed manifests may break.
    const aligned = offset % 4 === 0;
    const buffer = aligned ? data : data.slice(offset, offset + count * 4);
    return { elements: new Float32Array(buffer, aligned ? offset : 0, count), scale: 1, min: 0 };
  }
  if (quantization.min === undefined || quantization.scale === undefined) {
    throw new ModelFormatError(`weight ${spec.name} is quantized but has no min and scale`);
  }

  const { min, scale } = quantization;
  if (quantization.dtype === 'uint8') {
    return { elements: new Uint8Array(data, offset, count), scale, min };
  }
  if (quantization.dtype === 'uint16') {
    return { elements: new Uint16Array(data.slice(offset, offset + count * 2)), scale, min };
  }
  throw new ModelFormatError(`weight ${spec.name} uses ${quantization.dtype} quantization, which is not supported`);
}

const TILE = 64;

/**
 * Writes `element * scale + min` for every stored element, with the same arithmetic as
 * `tf.io.decodeWeights`. A transposed [rows, cols] weight is written as [cols, rows] in
 * 64 x 64 tiles, which keeps both the reads and the writes within the CPU caches.
 */
function writeValues(source: StoredValues, shape: readonly number[], transposed: boolean, out: Float32Array): void {
  const { elements, scale, min } = source;
  if (out.length !== elements.length) {
    throw new RangeError(`weight has room for ${out.length} values but ${elements.length} are stored`);
  }

  if (!transposed) {
    for (let i = 0; i < elements.length; i++) {
      out[i] = elements[i] * scale + min;
    }
    return;
  }

  const [rows, cols] = shape;
  for (let rowStart = 0; rowStart < rows; rowStart += TILE) {
    const rowEnd = Math.min(rowStart + TILE, rows);
    for (let colStart = 0; colStart < cols; colStart += TILE) {
      const colEnd = Math.min(colStart + TILE, cols);
      for (let col = colStart; col < colEnd; col++) {
        const outRow = col * rows;
        for (let row = rowStart; row < rowEnd; row++) {
          out[outRow + row] = elements[row * cols + col] * scale + min;
        }
      }
    }
  }
}
