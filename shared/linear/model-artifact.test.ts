import { beforeAll, describe, expect, it } from 'vitest';
import { writeContainer } from './binary-container.js';
import { createInMemorySource } from './dataset.js';
import { deserializeModel, MODEL_SCHEMA_VERSION, serializeModel } from './model-artifact.js';
import type { LinearModel } from './model.js';
import { predict } from './predict.js';
import { makeClusters } from './test-fixtures.js';
import { trainLinearProbe } from './train-linear-probe.js';

const data = makeClusters({ samples: 90, dim: 10, numClasses: 3, separation: 1.5, seed: 5 });
let model: LinearModel;
let bytes: Uint8Array;

beforeAll(async () => {
  model = await trainLinearProbe(
    { labels: data.labels, l2Strength: 1e-3, maxEpochs: 5, backbone: { id: 'vgg16', featureLayer: 'fc2' } },
    { train: createInMemorySource(data.dataset) },
  );
  bytes = serializeModel(model);
});

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('model artifact', () => {
  it('round-trips every field', () => {
    const loaded = deserializeModel(bytes, { backboneId: 'vgg16', dim: 10 });

    expect(loaded.labels).toEqual(model.labels);
    expect(loaded.weights).toEqual(model.weights);
    expect(loaded.bias).toEqual(model.bias);
    expect(loaded.mean).toEqual(model.mean);
    expect(loaded.scale).toEqual(model.scale);
    expect(loaded.thresholds).toEqual(model.thresholds);
    expect(loaded.hyperparameters).toEqual(model.hyperparameters);
    expect(loaded.validation).toEqual(model.validation);
    expect(loaded.training).toEqual(model.training);
    expect(loaded.backbone).toEqual({ id: 'vgg16', featureLayer: 'fc2' });
  });

  it('predicts like the original model', () => {
    const row = data.dataset.features.subarray(0, 10);

    expect(predict(deserializeModel(bytes), row)).toEqual(predict(model, row));
  });

  it('stores weights as binary float32', () => {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    const header = new TextDecoder().decode(bytes.subarray(16, 16 + headerLength));

    expect(header).toContain('"dtype":"float32"');
    expect(bytes.length).toBeLessThan(headerLength + 16 + 4 * (2 * 10 + 3 * 10 + 3) + 64);
  });

  it('rejects another schema version', () => {
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, MODEL_SCHEMA_VERSION + 1, true);

    expect(codeOf(() => deserializeModel(future))).toBe('ARTIFACT_UNSUPPORTED_VERSION');
  });

  it('rejects a wrong feature dimension', () => {
    expect(codeOf(() => deserializeModel(bytes, { dim: 4096 }))).toBe('ARTIFACT_DIMENSION_MISMATCH');
  });

  it('rejects another backbone', () => {
    expect(codeOf(() => deserializeModel(bytes, { backboneId: 'mobilenet-v1' }))).toBe('ARTIFACT_BACKBONE_MISMATCH');
  });

  it('rejects a flipped weight byte', () => {
    const damaged = bytes.slice();
    damaged[damaged.length - 20] ^= 0x01;

    expect(codeOf(() => deserializeModel(damaged))).toBe('ARTIFACT_CORRUPTED');
  });

  it('rejects a flipped header byte', () => {
    const damaged = bytes.slice();
    damaged[30] ^= 0x20;

    expect(codeOf(() => deserializeModel(damaged))).toBe('ARTIFACT_CORRUPTED');
  });

  it('rejects truncated bytes', () => {
    expect(codeOf(() => deserializeModel(bytes.subarray(0, bytes.length - 100)))).toBe('ARTIFACT_CORRUPTED');
    expect(codeOf(() => deserializeModel(bytes.subarray(0, 10)))).toBe('ARTIFACT_CORRUPTED');
  });

  it('rejects bytes of another format', () => {
    expect(codeOf(() => deserializeModel(new TextEncoder().encode('{"labels":["a","b"]}')))).toBe('ARTIFACT_WRONG_KIND');
  });

  it('rejects a consistent file that lacks a block', () => {
    const header = { labels: ['a', 'b'], dim: 2, loss: { type: 'softmax', margin: 1, squaredHinge: false }, thresholds: [0, 0] };
    const partial = writeContainer('model', MODEL_SCHEMA_VERSION, header, { mean: new Float32Array(2) });

    expect(codeOf(() => deserializeModel(partial))).toBe('ARTIFACT_CORRUPTED');
  });
});
