import '../runtime/promise-polyfill.js';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import type { LocalFunctions } from '../runtime/local-functions.js';
import type { StateMachineDefinition } from '../template/state-machines.js';
import { forEachState } from './for-each-state.js';
import { ExecutionHistory, type HistoryEvent } from './execution-history.js';
import { createTaskHandlers } from './lambda-tasks.js';

/** The status values of the Step Functions API. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution, with the fields of the `DescribeExecution` API (times in epoch ms). */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  /** The execution input as a JSON string. */
  readonly input: string;
  /** The execution output as a JSON string, once it has succeeded. */
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: number;
  stopDate?: number;
}

/** Options for {@link LocalStateMachine}. */
export interface LocalStateMachineOptions {
  /** The state machine ARN, for example the one the local template resolver gives. */
  readonly stateMachineArn: string;
  readonly definition: StateMachineDefinition;
  readonly functions: LocalFunctions;
  /** Folder where finished executions and their history are kept across restarts. */
  readonly persistDirectory?: string;
}

/** Raised for an unknown execution ARN; the name matches the Step Functions API error. */
export class ExecutionDoesNotExistError extends Error {
  constructor(executionArn: string) {
    super(`Execution does not exist: '${executionArn}'`);
    this.name = 'ExecutionDoesNotExist';
  }
}

/** Raised when an execution name is taken; the name matches the Step Functions API error. */
export class ExecutionAlreadyExistsError extends Error {
  constructor(executionArn: string) {
    super(`Execution Already Exists: '${executionArn}'`);
    this.name = 'ExecutionAlreadyExists';
  }
}

/** Raised for an execution name that Step Functions would reject. */
export class InvalidNameError extends Error {
  constructor(name: string) {
    super(`Invalid Name: '${name}' (use 1 to 80 letters, digits, '-' or '_')`);
    this.name = 'InvalidName';
  }
}

/**
 * The largest Task timeout the interpreter can honour: it uses `setTimeout`, which fires at
 * once for delays above 2^31 - 1 ms.
 */
const MAX_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

interface RunningExecution {
  readonly record: ExecutionRecord;
  readonly history: ExecutionHistory;
  readonly done: Promise<ExecutionRecord>;
  abort?: () => void;
}

/**
 * Runs executions of one state machine definition with aws-local-stepfunctions, its Task
 * states calling the stack's functions in this process, and keeps their records and
 * history for the Step Functions API that the local stack serves.
 */
export class LocalStateMachine {
  readonly stateMachineArn: string;
  readonly definition: StateMachineDefinition;
  private readonly interpreter: StateMachine;
  private readonly executions = new Map<string, RunningExecution>();

  constructor(private readonly options: LocalStateMachineOptions) {
    this.stateMachineArn = options.stateMachineArn;
    this.definition = options.definition;
    this.interpreter = new StateMachine(adaptDefinition(options.definition) as never);
  }

  /** The state machine name, the last part of its ARN. */
  get name(): string {
    return this.stateMachineArn.split(':').pop() ?? this.stateMachineArn;
  }

  /** Loads the executions a previous run of the local stack persisted. */
  async loadPersisted(): Promise<void> {
    const directory = this.options.persistDirectory;
    if (!directory || !existsSync(directory)) {
      return;
    }
    for (const file of (await readdir(directory)).filter((name) => name.endsWith('.json'))) {
      const saved = JSON.parse(await readFile(join(directory, file), 'utf8')) as {
        record: ExecutionRecord;
        events: HistoryEvent[];
      };
      if (saved.record.stateMachineArn !== this.stateMachineArn) {
        continue;
      }
      const history = new ExecutionHistory();
      history.restore(saved.events);
      this.executions.set(saved.record.executionArn, {
        record: saved.record,
        history,
        done: Promise.resolve(saved.record),
      });
    }
  }

  /** Starts an execution and returns its record while it runs. */
  start(input: unknown, name: string = randomUUID()): ExecutionRecord {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new InvalidNameError(name);
    }
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) {
      throw new ExecutionAlreadyExistsError(executionArn);
    }

    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      status: 'RUNNING',
      input: JSON.stringify(input),
      startDate: Date.now(),
    };
    const history = new ExecutionHistory();
    const execution = this.interpreter.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: createTaskHandlers(
          this.options.definition,
          this.options.functions,
          (type, details) => history.addTaskEvent(type, details),
        ) as never,
      },
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: 'local', RedriveCount: 0 },
        StateMachine: { Id: this.stateMachineArn, Name: this.name },
      },
    });

    const logDone = (async () => {
      for await (const event of execution.eventLogs) {
        history.addLogEvent(event);
      }
    })();
    const done = this.settle(record, execution.result, logDone);
    this.executions.set(executionArn, { record, history, done, abort: execution.abort });
    return { ...record };
  }

  describe(executionArn: string): ExecutionRecord {
    return { ...this.execution(executionArn).record };
  }

  /** Lists executions, newest first. */
  list(status?: ExecutionStatus): ExecutionRecord[] {
    return [...this.executions.values()]
      .map((execution) => ({ ...execution.record }))
      .filter((record) => !status || record.status === status)
      .sort((a, b) => b.startDate - a.startDate);
  }

  history(executionArn: string): HistoryEvent[] {
    return this.execution(executionArn).history.events();
  }

  /** Waits until an execution ends and returns its final record. */
  async wait(executionArn: string): Promise<ExecutionRecord> {
    return { ...(await this.execution(executionArn).done) };
  }

  /** Aborts a running execution, as `StopExecution` does. */
  async stop(executionArn: string, error?: string, cause?: string): Promise<ExecutionRecord> {
    const execution = this.execution(executionArn);
    if (execution.record.status === 'RUNNING') {
      execution.record.error = error;
      execution.record.cause = cause;
      execution.abort?.();
    }
    return { ...(await execution.done) };
  }

  /** Aborts every running execution and waits for them to end. */
  async close(): Promise<void> {
    const running = this.list('RUNNING');
    await Promise.all(running.map((record) => this.stop(record.executionArn, 'LocalStackStopped')));
  }

  private execution(executionArn: string): RunningExecution {
    const execution = this.executions.get(executionArn);
    if (!execution) {
      throw new ExecutionDoesNotExistError(executionArn);
    }
    return execution;
  }

  private async settle(
    record: ExecutionRecord,
    result: Promise<unknown>,
    logDone: Promise<void>,
  ): Promise<ExecutionRecord> {
    try {
      const output = await result;
      record.status = 'SUCCEEDED';
      record.output = JSON.stringify(output);
    } catch (error) {
      Object.assign(record, failureOf(error));
    }
    record.stopDate = Date.now();
    await logDone;
    await this.persist(record);
    return record;
  }

  private async persist(record: ExecutionRecord): Promise<void> {
    const directory = this.options.persistDirectory;
    if (!directory) {
      return;
    }
    await mkdir(directory, { recursive: true });
    const events = this.history(record.executionArn);
    await writeFile(join(directory, `${record.name}.json`), JSON.stringify({ record, events }));
  }
}

function failureOf(error: unknown): Partial<ExecutionRecord> {
  if (error instanceof ExecutionAbortedError) {
    return { status: 'ABORTED' };
  }
  const name = error instanceof Error ? error.name : 'Error';
  if (name === 'ExecutionTimeoutError') {
    return { status: 'TIMED_OUT', error: 'States.Timeout' };
  }

  // The interpreter wraps the failure of the last state in an ExecutionError.
  const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) {
    return { status: 'FAILED', error: failure.name, cause: failure.message };
  }
  return { status: 'FAILED', error: 'Error', cause: String(failure) };
}

/**
 * Copies a definition and adapts it to aws-local-stepfunctions 3.0.0 without changing
 * its meaning in the Amazon States Language:
 *
 * - A Task without a timeout gets the largest one the interpreter supports. The
 *   interpreter defaults to 60 seconds, while Step Functions lets a Lambda task run until
 *   the function's own timeout, which the local runtime enforces.
 * - `ResultPath: "$"` is dropped: `$` is the default, and the interpreter stores the
 *   result under a key named `$` instead of replacing the state's input.
 */
export function adaptDefinition(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = structuredClone(definition) as StateMachineDefinition;
  forEachState(copy, (_name, state) => {
    if (state.Type === 'Task' && !state.TimeoutSeconds && !state.TimeoutSecondsPath) {
      state.TimeoutSeconds = MAX_TASK_TIMEOUT_SECONDS;
    }
    if (state.ResultPath === '$') {
      delete state.ResultPath;
    }
    for (const catcher of (state.Catch ?? []) as Record<string, unknown>[]) {
      if (catcher.ResultPath === '$') {
        delete catcher.ResultPath;
      }
    }
  });
  return copy;
}
