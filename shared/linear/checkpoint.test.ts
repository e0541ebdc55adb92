import { describe, expect, it } from 'vitest';
import { createInMemorySource } from './dataset.js';
import { isLinearProbeError } from './errors.js';
import { serializeModel } from './model-artifact.js';
import { LinearProbeTrainer, type LinearProbeTrainerProps, type TrainingSources } from './trainer.js';
import { bytesOf, makeClusters, StreamingSource } from './test-fixtures.js';

const data = makeClusters({ samples: 200, dim: 13, numClasses: 3, separation: 1, seed: 4 });
const props: LinearProbeTrainerProps = { labels: data.labels, maxEpochs: 8, l2Candidates: [1e-4, 1e-2], batchSize: 16 };

async function uninterrupted(sources: TrainingSources) {
  const trainer = new LinearProbeTrainer(props, sources);
  await trainer.run();
  return trainer.model();
}

/** Runs `epochsPerCall` epochs per process-like step, through a checkpoint each time. */
async function inSteps(sources: () => TrainingSources, epochsPerCall: number) {
  let bytes = new LinearProbeTrainer(props, sources()).checkpoint();
  for (;;) {
    const trainer = LinearProbeTrainer.resume(bytes, sources());
    const status = await trainer.run({ epochs: epochsPerCall });
    if (status.done) {
      return trainer.model();
    }
    bytes = trainer.checkpoint();
  }
}

describe('checkpoint and resume', () => {
  it('matches an uninterrupted run bit for bit', async () => {
    const expected = await uninterrupted({ train: createInMemorySource(data.dataset) });
    const resumed = await inSteps(() => ({ train: createInMemorySource(data.dataset) }), 3);

    expect(bytesOf(resumed.weights)).toEqual(bytesOf(expected.weights));
    expect(bytesOf(resumed.bias)).toEqual(bytesOf(expected.bias));
    expect(resumed.training.history).toEqual(expected.training.history);
    expect(resumed.training.l2Search).toEqual(expected.training.l2Search);
    expect(resumed.thresholds).toEqual(expected.thresholds);
  });

  it('resumes after every single epoch', async () => {
    const expected = await uninterrupted({ train: createInMemorySource(data.dataset) });
    const resumed = await inSteps(() => ({ train: createInMemorySource(data.dataset) }), 1);

    expect(bytesOf(resumed.weights)).toEqual(bytesOf(expected.weights));
  });

  it('resumes a streaming source bit for bit', async () => {
    const expected = await uninterrupted({ train: new StreamingSource(data.dataset, 30) });
    const resumed = await inSteps(() => ({ train: new StreamingSource(data.dataset, 30) }), 5);

    expect(bytesOf(resumed.weights)).toEqual(bytesOf(expected.weights));
  });

  it('stops before an epoch that would miss the deadline', async () => {
    const trainer = new LinearProbeTrainer(props, { train: createInMemorySource(data.dataset) });
    await trainer.run({ epochs: 1 });
    const status = await trainer.run({ deadline: Date.now() - 1 });

    expect(status.stoppedBy).toBe('deadline');
    expect(status.epochsRun).toBe(0);
  });

  it('rejects a corrupted checkpoint', () => {
    const bytes = new LinearProbeTrainer(props, { train: createInMemorySource(data.dataset) }).checkpoint();
    bytes[40] ^= 0xff;

    expect(() => LinearProbeTrainer.resume(bytes, { train: createInMemorySource(data.dataset) })).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_CORRUPTED' }),
    );
  });

  it('rejects a model artifact in place of a checkpoint', async () => {
    const model = await uninterrupted({ train: createInMemorySource(data.dataset) });
    let error: unknown;
    try {
      LinearProbeTrainer.resume(serializeModel(model), { train: createInMemorySource(data.dataset) });
    } catch (caught) {
      error = caught;
    }

    expect(isLinearProbeError(error, 'ARTIFACT_WRONG_KIND')).toBe(true);
    expect((error as Error).message).toContain('model, not a checkpoint');
  });

  it('rejects sources of another dimension', () => {
    const bytes = new LinearProbeTrainer(props, { train: createInMemorySource(data.dataset) }).checkpoint();
    const other = makeClusters({ samples: 20, dim: 5, numClasses: 3, separation: 1, seed: 4 });

    expect(() => LinearProbeTrainer.resume(bytes, { train: createInMemorySource(other.dataset) })).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_MISMATCH' }),
    );
  });

  it('refuses model() before training is done', () => {
    const trainer = new LinearProbeTrainer(props, { train: createInMemorySource(data.dataset) });

    expect(() => trainer.model()).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});
