import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { readProgress } from './training-run.js';

const exited = (name: string, output: unknown): HistoryEvent =>
  ({
    type: 'TaskStateExited',
    timestamp: new Date(),
    id: 1,
    stateExitedEventDetails: { name, output: JSON.stringify(output) },
  }) as HistoryEvent;

describe('readProgress', () => {
  it('sums the latest epoch of each candidate', () => {
    const progress = readProgress([
      exited('ValidateInput', {
        run: { config: { epochs: 10 }, candidates: [{ id: 'a' }, { id: 'b' }] },
      }),
      exited('TrainChunk', { candidate: { id: 'a' }, progress: { epoch: 3 } }),
      exited('TrainChunk', { candidate: { id: 'b' }, progress: { epoch: 2 } }),
      exited('TrainChunk', { candidate: { id: 'a' }, progress: { epoch: 7 } }),
    ]);

    expect(progress.epochs).toBe(9);
    expect(progress.totalEpochs).toBe(20);
  });

  it('reports no total before validation', () => {
    expect(readProgress([]).totalEpochs).toBeUndefined();
  });
});
