import { mkdir } from 'node:fs/promises';

import { type BackboneManifest, type BackboneWeightsInfo, writeBackboneManifest } from './backbone-manifest.js';
import { elementCount } from './layers-model-json.js';
import { type StoredWeightDtype, writeLayersModel } from './layers-model-writer.js';
import { seededGlorotWeight } from './seeded-weights.js';
import { vgg16Topology, vgg16WeightShapes, VGG16_INPUT_SIZE } from './vgg16-topology.js';

export interface WrittenBackbone {
  readonly backboneDir: string;
  readonly manifestPath: string;
  readonly modelJsonPath: string;
  readonly manifest: BackboneManifest;
  readonly parameters: number;
}

export interface WriteVgg16BackboneOptions {
  /** The backbone folder to create (it becomes /opt/backbone in the layer). */
  readonly backboneDir: string;
  readonly id: string;
  readonly untrained: boolean;
  /** @default 1 */
  readonly widthDivisor?: number;
  /** @default 'uint8' */
  readonly dtype?: StoredWeightDtype;
  readonly shardBytes?: number;
  /** Values of weight `index` of `vgg16WeightShapes(widthDivisor)`, called once each, in order. */
  readonly readWeight: (index: number) => Promise<Float32Array> | Float32Array;
  readonly weightsInfo: Omit<BackboneWeightsInfo, 'dtype' | 'parameters'>;
}

/** Writes a VGG16 backbone folder: `model.json`, its shards and `backbone.json`. */
export async function writeVgg16Backbone(options: WriteVgg16BackboneOptions): Promise<WrittenBackbone> {
  const widthDivisor = options.widthDivisor ?? 1;
  const dtype = options.dtype ?? 'uint8';
  const weights = vgg16WeightShapes(widthDivisor);
  const parameters = weights.reduce((sum, weight) => sum + elementCount(weight.shape), 0);

  await mkdir(options.backboneDir, { recursive: true });
  const modelJsonPath = await writeLayersModel({
    dir: options.backboneDir,
    modelTopology: vgg16Topology(widthDivisor),
    weights,
    readWeight: options.readWeight,
    dtype,
    shardBytes: options.shardBytes,
  });

  const manifest: BackboneManifest = {
    id: options.id,
    inputSize: VGG16_INPUT_SIZE,
    preprocessing: 'caffe',
    featureLayer: 'fc2',
    untrained: options.untrained,
    model: 'model.json',
    weights: { ...options.weightsInfo, dtype, parameters },
  };
  const manifestPath = await writeBackboneManifest(options.backboneDir, manifest);
  return { backboneDir: options.backboneDir, manifestPath, modelJsonPath, manifest, parameters };
}

export interface BuildSeededVgg16Options {
  readonly backboneDir: string;
  /** @default 1 (full-size VGG16, about 138M parameters) */
  readonly widthDivisor?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default 'uint8' */
  readonly dtype?: StoredWeightDtype;
  readonly shardBytes?: number;
}

/** Returns the storage id of a seeded build, distinct from `vgg16` so that its features never mix with real ones. */
export function seededVgg16Id(widthDivisor: number, seed: number): string {
  return widthDivisor === 1 ? `vgg16-seeded${seed}` : `vgg16-w${widthDivisor}-seeded${seed}`;
}

/**
 * Builds a VGG16 backbone with seeded Glorot-uniform weights, marked untrained. With
 * `widthDivisor: 16` it has 782,284 parameters and builds in well under a second, which is
 * what tests of other modules use. Without a divisor it has the real VGG16 shapes.
 */
export async function buildSeededVgg16Backbone(options: BuildSeededVgg16Options): Promise<WrittenBackbone> {
  const widthDivisor = options.widthDivisor ?? 1;
  const seed = options.seed ?? 1;
  const weights = vgg16WeightShapes(widthDivisor);

  return writeVgg16Backbone({
    backboneDir: options.backboneDir,
    id: seededVgg16Id(widthDivisor, seed),
    untrained: true,
    widthDivisor,
    dtype: options.dtype,
    shardBytes: options.shardBytes,
    readWeight: (index) => seededGlorotWeight(weights[index], index, seed),
    weightsInfo: { source: 'seeded-glorot', seed, widthDivisor },
  });
}
