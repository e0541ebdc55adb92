import { describe, expect, it } from 'vitest';
import { createInMemorySource } from './dataset.js';
import { evaluateModel } from './evaluate.js';
import { LinearProbeTrainer } from './trainer.js';
import { trainLinearProbe } from './train-linear-probe.js';
import { bytesOf, makeClusters, StreamingSource } from './test-fixtures.js';

const train = makeClusters({ samples: 300, dim: 24, numClasses: 3, separation: 1.5, seed: 1, offset: 50 });
const test = makeClusters({ samples: 150, dim: 24, numClasses: 3, separation: 1.5, seed: 2, idPrefix: 't', offset: 50 });

describe('training', () => {
  for (const loss of ['softmax', 'svm'] as const) {
    it(`learns separable clusters: ${loss}`, async () => {
      const model = await trainLinearProbe({ labels: train.labels, loss, maxEpochs: 30 }, { train: createInMemorySource(train.dataset) });
      const report = await evaluateModel(model, test.dataset);

      expect(report.accuracy).toBeGreaterThan(0.95);
      expect(model.validation?.accuracy).toBeGreaterThan(0.9);
    });
  }

  it('searches every l2 candidate', async () => {
    const candidates = [1e-4, 1e-2, 10];
    const model = await trainLinearProbe(
      { labels: train.labels, l2Candidates: candidates, maxEpochs: 10 },
      { train: createInMemorySource(train.dataset) },
    );

    expect(model.training.l2Search.map((r) => r.l2Strength)).toEqual(candidates);
    expect(model.training.l2Strength).not.toBe(10);
  });

  it('keeps a run within one standard error of the best', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Candidates: [1e-3, 1e-1, 1], maxEpochs: 10 },
      { train: createInMemorySource(train.dataset) },
    );
    const best = model.training.l2Search.reduce((a, b) => ((b.bestValidationLoss ?? 0) < (a.bestValidationLoss ?? 0) ? b : a));
    const chosen = model.training.l2Search.find((r) => r.l2Strength === model.training.l2Strength);

    expect(chosen?.bestValidationLoss).toBeLessThanOrEqual((best.bestValidationLoss ?? 0) + (best.bestValidationLossStdError ?? 0));
    expect(chosen?.l2Strength).toBeGreaterThanOrEqual(best.l2Strength);
  });

  it('stops early on a flat validation loss', async () => {
    const noise = makeClusters({ samples: 120, dim: 8, numClasses: 2, separation: 0, seed: 3 });
    const model = await trainLinearProbe(
      { labels: noise.labels, l2Strength: 0, maxEpochs: 200, earlyStoppingPatience: 3, learningRate: 0.05 },
      { train: createInMemorySource(noise.dataset) },
    );

    expect(model.training.stopReason).toBe('early-stopping');
    expect(model.training.epochs).toBeLessThan(200);
    expect(model.training.bestEpoch).toBe(model.training.epochs - 4);
  });

  it('records train and validation loss per epoch', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 5 },
      { train: createInMemorySource(train.dataset) },
    );

    expect(model.training.history).toHaveLength(5);
    expect(model.training.history.every((r) => Number.isFinite(r.trainLoss))).toBe(true);
    expect(model.training.history.every((r) => r.validationLoss !== null)).toBe(true);
    expect(model.training.history[4].trainLoss).toBeLessThan(model.training.history[0].trainLoss);
  });

  it('holds out a stratified share of each class', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 1, validationFraction: 0.2, refit: false },
      { train: createInMemorySource(train.dataset) },
    );

    expect(model.training.validationSamplesPerClass).toEqual({ c0: 20, c1: 20, c2: 20 });
    expect(model.training.trainSamplesPerClass).toEqual({ c0: 80, c1: 80, c2: 80 });
    expect(model.training.refitEpochs).toBeNull();
  });

  it('refits on every sample for the kept epochs', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 6 },
      { train: createInMemorySource(train.dataset) },
    );

    expect(model.training.trainSamplesPerClass).toEqual({ c0: 100, c1: 100, c2: 100 });
    expect(model.training.refitEpochs).toBe(model.training.bestEpoch + 1);
  });

  it('skips the refit with a validation source', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 3 },
      { train: createInMemorySource(train.dataset), validation: createInMemorySource(test.dataset) },
    );

    expect(model.training.refitEpochs).toBeNull();
  });

  it('uses a validation source when given', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 3 },
      { train: createInMemorySource(train.dataset), validation: createInMemorySource(test.dataset) },
    );

    expect(model.validation?.sampleCount).toBe(150);
    expect(model.training.trainSamplesPerClass).toEqual({ c0: 100, c1: 100, c2: 100 });
  });

  it('trains from a streaming source', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, maxEpochs: 20, l2Strength: 1e-3 },
      { train: new StreamingSource(train.dataset, 37) },
    );
    const report = await evaluateModel(model, new StreamingSource(test.dataset, 50));

    expect(report.accuracy).toBeGreaterThan(0.95);
    expect(model.training.validationSamplesPerClass).toEqual({ c0: 20, c1: 20, c2: 20 });
  });

  for (const schedule of [{ type: 'constant' }, { type: 'step', everyEpochs: 2, factor: 0.5 }] as const) {
    it(`runs the ${schedule.type} schedule with classical momentum`, async () => {
      const model = await trainLinearProbe(
        { labels: train.labels, l2Strength: 1e-3, maxEpochs: 4, schedule, nesterov: false },
        { train: createInMemorySource(train.dataset) },
      );
      const rates = model.training.history.map((r) => r.learningRate);

      expect(rates[1] / rates[0]).toBe(1);
      expect(rates[3] / rates[0]).toBe(schedule.type === 'step' ? 0.5 : 1);
    });
  }

  it('decays the cosine schedule to its minimum', async () => {
    const model = await trainLinearProbe(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 4, learningRate: 0.01, validationFraction: 0 },
      { train: createInMemorySource(train.dataset) },
    );

    expect(model.training.history.map((r) => r.learningRate)).toEqual(
      [0, 1, 2, 3].map((e) => 0.01 * 0.5 * (1 + Math.cos((Math.PI * e) / 4))),
    );
  });
});

describe('determinism', () => {
  const run = async (seed: number) =>
    trainLinearProbe({ labels: train.labels, maxEpochs: 6, l2Candidates: [1e-4, 1e-2], seed }, { train: createInMemorySource(train.dataset) });

  it('gives bit-identical weights for one seed', async () => {
    const a = await run(11);
    const b = await run(11);

    expect(bytesOf(b.weights)).toEqual(bytesOf(a.weights));
    expect(bytesOf(b.bias)).toEqual(bytesOf(a.bias));
    expect(b.training.history).toEqual(a.training.history);
  });

  it('gives other weights for another seed', async () => {
    const a = await run(11);
    const b = await run(12);

    expect(bytesOf(b.weights)).not.toEqual(bytesOf(a.weights));
  });

  it('reports done only after the last phase', async () => {
    const trainer = new LinearProbeTrainer(
      { labels: train.labels, l2Strength: 1e-3, maxEpochs: 2, refit: false },
      { train: createInMemorySource(train.dataset) },
    );
    const first = await trainer.run({ epochs: 1 });
    const second = await trainer.run();

    expect(first).toEqual({ phase: 'train', done: false, epochsRun: 1, stoppedBy: 'epoch-limit' });
    expect(second).toEqual({ phase: 'done', done: true, epochsRun: 1, stoppedBy: 'finished' });
  });
});
