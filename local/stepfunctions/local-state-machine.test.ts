import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFunctionArn } from '../runtime/lambda-context.js';
import { type LambdaHandler, LocalFunctions } from '../runtime/local-functions.js';
import type { StateMachineDefinition } from '../template/state-machines.js';
import { LocalStateMachine } from './local-state-machine.js';

const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Test';

class NoImagesError extends Error {
  constructor() {
    super('no images under images/');
    this.name = 'NoImagesError';
  }
}

const remaining: number[] = [];
const handlers: Record<string, LambdaHandler> = {
  count: async (event) => {
    const { n } = event as { n: number };
    return { n: n + 1 };
  },
  fail: async () => {
    throw new NoImagesError();
  },
  clock: async (_event, context: Context) => {
    remaining.push(context.getRemainingTimeInMillis());
    return 'ok';
  },
};

function lambdaInvoke(functionName: string, next: Record<string, unknown>) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: localFunctionArn(functionName), 'Payload.$': '$' },
    ...next,
  };
}

const loopDefinition: StateMachineDefinition = {
  StartAt: 'Count',
  States: {
    Count: lambdaInvoke('count', { OutputPath: '$.Payload', Next: 'Done?' }),
    'Done?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 3, Next: 'Finish' }],
      Default: 'Count',
    },
    Finish: { Type: 'Succeed' },
  },
};

const rawDefinition: StateMachineDefinition = {
  StartAt: 'Count',
  States: { Count: lambdaInvoke('count', { End: true }) },
};

const failingDefinition: StateMachineDefinition = {
  StartAt: 'Fail',
  States: {
    Fail: lambdaInvoke('fail', {
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Report' }],
      Next: 'Unreachable',
    }),
    Unreachable: { Type: 'Succeed' },
    Report: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  },
};

describe('LocalStateMachine', () => {
  let directory: string;
  const functions = new LocalFunctions(
    [
      { name: 'count', timeoutSeconds: 5 },
      { name: 'fail', timeoutSeconds: 5 },
      { name: 'clock', timeoutSeconds: 900 },
    ],
    async (name) => handlers[name],
  );

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-sfn-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('runs a Choice loop to success', async () => {
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      definition: loopDefinition,
      functions,
    });
    const started = machine.start({ n: 0 }, 'loop');
    const record = await machine.wait(started.executionArn);

    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output!)).toEqual({ n: 3 });
    expect(record.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Test:loop');
  });

  it('returns the LambdaInvoke result shape', async () => {
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      definition: rawDefinition,
      functions,
    });
    const record = await machine.wait(machine.start({ n: 41 }).executionArn);
    const output = JSON.parse(record.output!);

    expect(output.Payload).toEqual({ n: 42 });
    expect(output.StatusCode).toBe(200);
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(output.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(typeof output.SdkResponseMetadata.RequestId).toBe('string');
  });

  it('reports a thrown error as Lambda does', async () => {
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      definition: failingDefinition,
      functions,
    });
    const record = await machine.wait(machine.start({}).executionArn);

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('NoImagesError');
    const cause = JSON.parse(record.cause!);
    expect(cause.errorType).toBe('NoImagesError');
    expect(cause.errorMessage).toBe('no images under images/');
    expect(Array.isArray(cause.trace)).toBe(true);
  });

  it('records the history in API order', async () => {
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      definition: loopDefinition,
      functions,
    });
    const { executionArn } = machine.start({ n: 1 });
    await machine.wait(executionArn);
    const types = machine.history(executionArn).map((event) => event.type);

    expect(types.slice(0, 6)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((type) => type === 'TaskSucceeded')).toHaveLength(2);
  });

  it('passes the function timeout to the context', async () => {
    const definition: StateMachineDefinition = {
      StartAt: 'Clock',
      States: { Clock: lambdaInvoke('clock', { End: true }) },
    };
    const machine = new LocalStateMachine({ stateMachineArn: MACHINE_ARN, definition, functions });
    await machine.wait(machine.start({}).executionArn);

    expect(remaining.at(-1)).toBeGreaterThan(890_000);
    expect(remaining.at(-1)).toBeLessThanOrEqual(900_000);
  });

  it('replaces the input for ResultPath $', async () => {
    const definition: StateMachineDefinition = {
      StartAt: 'Count',
      States: {
        Count: lambdaInvoke('count', {
          ResultSelector: { 'n.$': '$.Payload.n' },
          ResultPath: '$',
          End: true,
        }),
      },
    };
    const machine = new LocalStateMachine({ stateMachineArn: MACHINE_ARN, definition, functions });
    const record = await machine.wait(machine.start({ n: 1, other: true }).executionArn);

    expect(JSON.parse(record.output!)).toEqual({ n: 2 });
  });

  it('rejects a duplicate execution name', async () => {
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      definition: rawDefinition,
      functions,
    });
    await machine.wait(machine.start({ n: 0 }, 'once').executionArn);

    expect(() => machine.start({ n: 0 }, 'once')).toThrow(/Execution Already Exists/);
  });

  it('keeps finished executions across restarts', async () => {
    const options = {
      stateMachineArn: MACHINE_ARN,
      definition: rawDefinition,
      functions,
      persistDirectory: directory,
    };
    const first = new LocalStateMachine(options);
    await first.wait(first.start({ n: 0 }, 'kept').executionArn);

    const second = new LocalStateMachine(options);
    await second.loadPersisted();
    const [record] = second.list();
    expect(record.name).toBe('kept');
    expect(record.status).toBe('SUCCEEDED');
    expect(second.history(record.executionArn).at(-1)?.type).toBe('ExecutionSucceeded');
  });
});
