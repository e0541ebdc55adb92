import { readContainer, writeContainer, type BlockArray } from './binary-container.js';
import { LinearProbeError } from './errors.js';
import type { LinearModel } from './model.js';

/** Schema version of model artifacts written by this code. */
export const MODEL_SCHEMA_VERSION = 1;

/** Expected backbone and dimension of a model, checked by {@link deserializeModel}. */
export interface ExpectedModel {
  /** Backbone id the features come from, for example 'vgg16'. */
  readonly backboneId?: string;
  /** Feature dimension of that backbone's feature layer. */
  readonly dim?: number;
}

/**
 * Serializes a model (`model.bin`): a JSON header with the labels, loss, hyperparameters,
 * backbone, thresholds, metrics and training summary, then the standardization
 * statistics, W and b as float32 blocks, and a CRC-32. See binary-container.ts for the layout.
 */
export function serializeModel(model: LinearModel): Uint8Array {
  const header = {
    labels: model.labels,
    dim: model.dim,
    loss: model.loss,
    hyperparameters: model.hyperparameters,
    backbone: model.backbone,
    thresholds: model.thresholds,
    validation: model.validation,
    training: model.training,
  };
  const blocks: Record<string, BlockArray> = {
    mean: model.mean,
    scale: model.scale,
    weights: model.weights,
    bias: model.bias,
  };
  return writeContainer('model', MODEL_SCHEMA_VERSION, header, blocks);
}

/**
 * Parses a model artifact. Raises ARTIFACT_WRONG_KIND, ARTIFACT_UNSUPPORTED_VERSION or
 * ARTIFACT_CORRUPTED for bad bytes, and ARTIFACT_DIMENSION_MISMATCH or
 * ARTIFACT_BACKBONE_MISMATCH when the model does not fit `expected`.
 */
export function deserializeModel(bytes: Uint8Array, expected: ExpectedModel = {}): LinearModel {
  const { header, blocks } = readContainer(bytes, 'model', MODEL_SCHEMA_VERSION);
  const labels = header.labels;
  const dim = header.dim;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) {
    throw corrupted('its label list is missing or has fewer than 2 names');
  }
  if (!(typeof dim === 'number' && Number.isInteger(dim) && dim > 0)) {
    throw corrupted(`its feature dimension ${String(dim)} is not a positive integer`);
  }

  const numClasses = labels.length;
  const model: LinearModel = {
    labels,
    dim,
    mean: float32Block(blocks, 'mean', dim),
    scale: float32Block(blocks, 'scale', dim),
    weights: float32Block(blocks, 'weights', numClasses * dim),
    bias: float32Block(blocks, 'bias', numClasses),
    thresholds: numberList(header.thresholds, numClasses, 'thresholds'),
    loss: header.loss as LinearModel['loss'],
    hyperparameters: header.hyperparameters as LinearModel['hyperparameters'],
    backbone: (header.backbone ?? null) as LinearModel['backbone'],
    validation: (header.validation ?? null) as LinearModel['validation'],
    training: header.training as LinearModel['training'],
  };
  if (model.loss?.type !== 'softmax' && model.loss?.type !== 'svm') {
    throw corrupted(`its loss type ${JSON.stringify(model.loss?.type)} is unknown`);
  }

  checkExpected(model, expected);
  return model;
}

function checkExpected(model: LinearModel, expected: ExpectedModel): void {
  const backboneId = model.backbone?.id ?? null;
  if (expected.backboneId !== undefined && backboneId !== expected.backboneId) {
    const trainedOn =
      backboneId === null ? 'The model was trained without a backbone id' : `The model was trained on features of backbone '${backboneId}'`;
    throw new LinearProbeError(
      'ARTIFACT_BACKBONE_MISMATCH',
      `${trainedOn} but the caller uses '${expected.backboneId}'. ` +
        'Train a model for this backbone or switch the backbone back.',
      { backboneId, expected: expected.backboneId },
    );
  }
  if (expected.dim !== undefined && model.dim !== expected.dim) {
    throw new LinearProbeError(
      'ARTIFACT_DIMENSION_MISMATCH',
      `The model expects ${model.dim}-dimensional features but the backbone gives ${expected.dim}. ` +
        'Train a model on this backbone and feature layer, or use the matching feature layer.',
      { dim: model.dim, expected: expected.dim },
    );
  }
}

function float32Block(blocks: ReadonlyMap<string, BlockArray>, name: string, length: number): Float32Array {
  const block = blocks.get(name);
  if (!(block instanceof Float32Array) || block.length !== length) {
    throw corrupted(`its block '${name}' is missing or does not hold ${length} float32 values`);
  }
  return block;
}

function numberList(value: unknown, length: number, name: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'number')) {
    throw corrupted(`its ${name} are not ${length} numbers`);
  }
  return value;
}

function corrupted(reason: string): LinearProbeError {
  return new LinearProbeError(
    'ARTIFACT_CORRUPTED',
    `The model artifact is inconsistent: ${reason}. Train and publish the model again.`,
  );
}
