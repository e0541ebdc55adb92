import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { createProgress } from './progress.js';
import { readProgress, runTraining } from './training-run.js';

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

describe('runTraining', () => {
  it('stops the execution on Ctrl-C', async () => {
    const sent: string[] = [];
    let status = 'RUNNING';
    const sfn = {
      send: async (command: object) => {
        const name = command.constructor.name;
        sent.push(name);
        if (name === 'StartExecutionCommand') {
          return { executionArn: 'arn:aws:states:us-east-1:1:execution:training:run' };
        }
        if (name === 'GetExecutionHistoryCommand') {
          // Ctrl-C arrives while the CLI follows the execution.
          process.emit('SIGINT', 'SIGINT');
          return { events: [] };
        }
        if (name === 'StopExecutionCommand') {
          status = 'ABORTED';
          return {};
        }
        return { status };
      },
    } as unknown as SFNClient;

    const run = runTraining({ sfn, trainingStateMachineArn: 'arn:training' }, {}, {
      progress: createProgress(false),
      name: 'run',
      pollMs: 60_000,
    });

    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      'training run interrupted by Ctrl-C, and its execution is now ABORTED',
    );
    expect((error as CliError).exitCode).toBe(130);
    expect(sent).toContain('StopExecutionCommand');
    expect(process.listenerCount('SIGINT')).toBe(0);
  }, 10_000);
});
