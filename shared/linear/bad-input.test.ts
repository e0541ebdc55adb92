import { describe, expect, it } from 'vitest';
import { buildDataset, createInMemorySource } from './dataset.js';
import { LinearProbeError, type LinearProbeErrorCode } from './errors.js';
import { chunkSource, makeClusters } from './test-fixtures.js';
import { LinearProbeTrainer, type LinearProbeTrainerProps, type TrainingSources } from './trainer.js';
import type { FeatureDataset } from './types.js';

const good = makeClusters({ samples: 40, dim: 6, numClasses: 2, separation: 1, seed: 9 });

async function failure(props: Partial<LinearProbeTrainerProps>, sources: TrainingSources): Promise<LinearProbeError> {
  try {
    const trainer = new LinearProbeTrainer({ labels: good.labels, maxEpochs: 2, l2Strength: 1e-3, ...props }, sources);
    await trainer.run();
  } catch (error) {
    expect(error).toBeInstanceOf(LinearProbeError);
    return error as LinearProbeError;
  }
  throw new Error('training succeeded although the input is invalid');
}

function withValue(dataset: FeatureDataset, index: number, value: number): FeatureDataset {
  const features = dataset.features.slice();
  features[index] = value;
  return { ...dataset, features };
}

function expectError(error: LinearProbeError, code: LinearProbeErrorCode, ...fragments: string[]): void {
  expect(error.code).toBe(code);
  for (const fragment of fragments) {
    expect(error.message).toContain(fragment);
  }
}

describe('bad input', () => {
  it('rejects an empty in-memory training set', async () => {
    const empty = { features: new Float32Array(0), labels: new Int32Array(0), ids: [], dim: 6 };
    expectError(await failure({}, { train: createInMemorySource(empty) }), 'EMPTY_TRAINING_SET', 'no samples');
  });

  it('rejects an empty streaming training set', async () => {
    expectError(await failure({}, { train: chunkSource(6, []) }), 'EMPTY_TRAINING_SET');
  });

  it('rejects a single class name', async () => {
    expectError(await failure({ labels: ['cats'] }, { train: createInMemorySource(good.dataset) }), 'SINGLE_CLASS', "'cats'");
  });

  it('rejects data of a single class', async () => {
    const onlyFirst = { ...good.dataset, labels: new Int32Array(40) };
    expectError(await failure({}, { train: createInMemorySource(onlyFirst) }), 'SINGLE_CLASS', "'c0'", 'another class');
  });

  it('rejects a class below the minimum count', async () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 3 ? 1 : 0));
    const error = await failure({ minSamplesPerClass: 5 }, { train: createInMemorySource({ ...good.dataset, labels }) });
    expectError(error, 'TOO_FEW_SAMPLES', "'c1'", '3 training samples', 'minimum of 5');
  });

  it('rejects a NaN training feature', async () => {
    const error = await failure({}, { train: createInMemorySource(withValue(good.dataset, 6 * 7 + 2, Number.NaN)) });
    expectError(error, 'NON_FINITE_FEATURE', 'Feature 2', `'${good.dataset.ids[7]}'`, 'NaN');
  });

  it('rejects an infinite validation feature', async () => {
    const validation = createInMemorySource(withValue(good.dataset, 5, Number.POSITIVE_INFINITY));
    const error = await failure({}, { train: createInMemorySource(good.dataset), validation });
    expectError(error, 'NON_FINITE_FEATURE', 'Infinity');
  });

  it('rejects mixed dimensions in a dataset', () => {
    const samples = [
      { id: 'a', label: 'x', features: [1, 2, 3] },
      { id: 'b', label: 'y', features: [1, 2] },
    ];
    expect(() => buildDataset(samples)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH', message: expect.stringContaining("'b'") }));
  });

  it('rejects a chunk of another dimension', async () => {
    const chunk = { features: new Float32Array(10), labels: Int32Array.from([0, 1]), ids: ['a', 'b'] };
    expectError(await failure({}, { train: chunkSource(6, [chunk]) }), 'DIMENSION_MISMATCH', '5 per row', 'dimension is 6');
  });

  it('rejects a validation source of another dimension', async () => {
    const other = makeClusters({ samples: 10, dim: 4, numClasses: 2, separation: 1, seed: 1 });
    const error = await failure({}, { train: createInMemorySource(good.dataset), validation: createInMemorySource(other.dataset) });
    expectError(error, 'DIMENSION_MISMATCH', '4-dimensional');
  });

  for (const learningRate of [0, -0.1, Number.NaN]) {
    it(`rejects learning rate ${learningRate}`, async () => {
      const error = await failure({ learningRate }, { train: createInMemorySource(good.dataset) });
      expectError(error, 'INVALID_HYPERPARAMETER', 'learningRate', String(learningRate));
    });
  }

  for (const batchSize of [0, -4, 2.5]) {
    it(`rejects batch size ${batchSize}`, async () => {
      const error = await failure({ batchSize }, { train: createInMemorySource(good.dataset) });
      expectError(error, 'INVALID_HYPERPARAMETER', 'batchSize', String(batchSize));
    });
  }

  it('rejects an unknown label name', () => {
    const samples = [{ id: 'img-1', label: 'wolf', features: [1] }];
    expect(() => buildDataset(samples, { labels: ['cats', 'dogs'] })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_LABEL', message: expect.stringContaining('wolf') }),
    );
  });

  it('rejects a label index outside the classes', async () => {
    const chunk = { features: new Float32Array(12), labels: Int32Array.from([0, 7]), ids: ['a', 'b'] };
    expectError(await failure({}, { train: chunkSource(6, [chunk]) }), 'UNKNOWN_LABEL', "'b'", 'label 7');
  });

  it('rejects unsorted class names', async () => {
    const error = await failure({ labels: ['dogs', 'cats'] }, { train: createInMemorySource(good.dataset) });
    expectError(error, 'INVALID_LABELS', 'sortLabels');
  });

  it('rejects a chunk without ids', async () => {
    const chunk = { features: new Float32Array(12), labels: Int32Array.from([0, 1]), ids: ['a'] };
    expectError(await failure({}, { train: chunkSource(6, [chunk]) }), 'INVALID_BATCH', 'one id per row');
  });

  it('reports divergence from a huge learning rate', async () => {
    const error = await failure({ learningRate: 1e30, maxEpochs: 5 }, { train: createInMemorySource(good.dataset) });
    expectError(error, 'TRAINING_DIVERGED', 'Lower the learning rate');
  });
});
