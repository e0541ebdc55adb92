import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFunctionArn } from '../runtime/lambda-context.js';
import { LocalFunctions } from '../runtime/local-functions.js';
import { type ControlServer, startControlServer } from '../stack/control-server.js';
import { LocalStateMachine } from './local-state-machine.js';

const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Api';

describe('Step Functions API', () => {
  let server: ControlServer;
  let client: SFNClient;

  beforeAll(async () => {
    const functions = new LocalFunctions([{ name: 'double', timeoutSeconds: 5 }], async () => {
      return async (event) => ({ value: (event as { value: number }).value * 2 });
    });
    const machine = new LocalStateMachine({
      stateMachineArn: MACHINE_ARN,
      functions,
      definition: {
        StartAt: 'Double',
        States: {
          Double: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: localFunctionArn('double'), 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
    });
    server = await startControlServer({ stateMachines: [machine], status: () => ({}) });
    client = new SFNClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  async function waitForEnd(executionArn: string) {
    for (;;) {
      const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== 'RUNNING') {
        return execution;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('starts and describes an execution', async () => {
    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE_ARN,
        name: 'sdk',
        input: '{"value":21}',
      }),
    );
    const execution = await waitForEnd(started.executionArn!);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ value: 42 });
    expect(execution.startDate).toBeInstanceOf(Date);
  });

  it('lists executions', async () => {
    const list = await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN }));

    expect(list.executions?.map((execution) => execution.name)).toContain('sdk');
  });

  it('returns the history with details', async () => {
    const executionArn = MACHINE_ARN.replace(':stateMachine:', ':execution:') + ':sdk';
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const succeeded = history.events?.find((event) => event.type === 'TaskSucceeded');

    expect(JSON.parse(succeeded!.taskSucceededEventDetails!.output!).Payload).toEqual({
      value: 42,
    });
    expect(history.events?.[0].timestamp).toBeInstanceOf(Date);
  });

  it('raises the API error for an unknown execution', async () => {
    const executionArn = MACHINE_ARN.replace(':stateMachine:', ':execution:') + ':missing';

    await expect(
      client.send(new DescribeExecutionCommand({ executionArn })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});
