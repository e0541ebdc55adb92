import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CliError, INTERRUPTED_EXIT_CODE } from './errors.js';
import type { Progress } from './progress.js';
import { awsError, type StackTarget } from './target.js';

/** Training progress read from the execution history. */
export interface TrainingProgress {
  /** Epochs finished, summed over the candidates. */
  readonly epochs: number;
  /** Epochs planned, summed over the candidates, once the input is validated. */
  readonly totalEpochs?: number;
  /** The state the execution entered last. */
  readonly state?: string;
}

/** The final state of a training execution. */
export interface TrainingResult {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  /** The execution output, parsed, when it succeeded. */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly durationMs: number;
}

/** Options for {@link runTraining}. */
export interface TrainingRunOptions {
  readonly progress: Progress;
  /** @default a name from the time, such as `train-20250101T120000Z` */
  readonly name?: string;
  /** @default 2000 */
  readonly pollMs?: number;
}

/**
 * Starts a training execution and follows it until it ends, updating the progress bar
 * with the epochs that the TrainChunk steps report. On Ctrl-C (SIGINT) it stops the
 * execution and raises a {@link CliError} with exit code 130. A second Ctrl-C exits at once.
 */
export async function runTraining(
  target: Pick<StackTarget, 'sfn' | 'trainingStateMachineArn'>,
  input: Record<string, unknown>,
  options: TrainingRunOptions,
): Promise<TrainingResult> {
  const started = Date.now();
  const name = options.name ?? `train-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
  const { executionArn } = await target.sfn
    .send(
      new StartExecutionCommand({
        stateMachineArn: target.trainingStateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    )
    .catch((error: unknown) => {
      throw awsError(error, 'cannot start the training state machine');
    });

  let totalEpochs = 1;
  options.progress.start(totalEpochs, 'train');
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  let execution: DescribeExecutionCommandOutput;
  try {
    for (;;) {
      execution = await target.sfn.send(new DescribeExecutionCommand({ executionArn }));
      const progress = readProgress(await readHistory(target, executionArn!));
      if (progress.totalEpochs) {
        totalEpochs = progress.totalEpochs;
        options.progress.setTotal(totalEpochs);
      }
      options.progress.update(progress.epochs, { label: progress.state ?? 'train' });
      if (execution.status === 'SUCCEEDED') {
        // The last states (evaluate, publish) report no epochs, so the bar is filled here.
        options.progress.update(totalEpochs, { label: 'done' });
      }
      if (execution.status !== 'RUNNING' || interrupt.signal.aborted) {
        break;
      }
      await sleep(options.pollMs ?? 2000, undefined, { signal: interrupt.signal }).catch(
        () => undefined,
      );
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    options.progress.stop();
  }
  if (interrupt.signal.aborted && execution.status === 'RUNNING') {
    throw await stopInterrupted(target, executionArn!, name);
  }

  return {
    executionArn: executionArn!,
    name,
    status: execution.status ?? 'UNKNOWN',
    output: execution.output ? (JSON.parse(execution.output) as unknown) : undefined,
    error: execution.error,
    cause: execution.cause,
    durationMs: Date.now() - started,
  };
}

/** Stops an execution after Ctrl-C and returns the error that reports its final status. */
async function stopInterrupted(
  target: Pick<StackTarget, 'sfn'>,
  executionArn: string,
  name: string,
): Promise<CliError> {
  try {
    await target.sfn.send(
      new StopExecutionCommand({
        executionArn,
        error: 'Interrupted',
        cause: 'stopped by Ctrl-C in vgg-probe train',
      }),
    );
    const { status } = await target.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return new CliError(
      `training ${name} interrupted by Ctrl-C, and its execution is now ` +
        `${status ?? 'in an unknown state'}`,
      '`vgg-probe models` shows the model that predict serves.',
      INTERRUPTED_EXIT_CODE,
    );
  } catch (error) {
    return new CliError(
      `training ${name} interrupted by Ctrl-C, but stopping its execution failed: ` +
        `${(error as Error).message}`,
      '`vgg-probe status` shows whether it still runs.',
      INTERRUPTED_EXIT_CODE,
    );
  }
}

/** Raises a CLI error with the state machine's error and cause when training failed. */
export function expectTrainingSucceeded(result: TrainingResult): unknown {
  if (result.status === 'SUCCEEDED') {
    return result.output;
  }
  throw new CliError(
    `training ${result.name} ended ${result.status}: ${result.error ?? 'no error name'}: ` +
      `${result.cause ?? 'no cause given'}`,
    'Check that images are uploaded and extracted (`vgg-probe status`), then train again.',
  );
}

async function readHistory(
  target: Pick<StackTarget, 'sfn'>,
  executionArn: string,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await target.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Reads epochs done and planned from TrainChunk and ValidateInput state outputs. */
export function readProgress(events: readonly HistoryEvent[]): TrainingProgress {
  // The last epoch each candidate reported, keyed by the candidate's JSON.
  const latestEpoch = new Map<string, number>();
  let totalEpochs: number | undefined;
  let candidates = 1;
  let state: string | undefined;

  for (const event of events) {
    if (event.stateEnteredEventDetails?.name) {
      state = event.stateEnteredEventDetails.name;
    }
    const exited = event.stateExitedEventDetails;
    if (!exited?.output) {
      continue;
    }
    const output = JSON.parse(exited.output) as Record<string, any>;
    if (exited.name === 'ValidateInput') {
      const run = output.run ?? {};
      totalEpochs = Number(run.config?.epochs) || undefined;
      candidates = Array.isArray(run.candidates) ? Math.max(1, run.candidates.length) : 1;
    } else if (exited.name === 'TrainChunk') {
      latestEpoch.set(
        JSON.stringify(output.candidate ?? null),
        Number(output.progress?.epoch) || 0,
      );
    }
  }

  const epochs = [...latestEpoch.values()].reduce((sum, epoch) => sum + epoch, 0);
  return { epochs, totalEpochs: totalEpochs ? totalEpochs * candidates : undefined, state };
}
