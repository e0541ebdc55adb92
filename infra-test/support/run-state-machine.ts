import './promise-polyfill.js';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { lambdaContext } from './lambda-context.js';

/** A handler module's export, called as Lambda would call it. */
export type Handler = (event: any, context: Context) => Promise<unknown>;

/** Resolves a function ARN of the definition to the handler and its timeout. */
export type HandlerResolver = (functionArn: string) => {
  name: string;
  handler: Handler;
  timeoutMs: number;
};

/**
 * Runs an ASL definition with aws-local-stepfunctions, calling the handlers in this
 * process. Every `lambda:invoke` Task gets the standard result shape
 * (`Payload`, `StatusCode`, …) and, when a handler throws, fails with the error type as
 * the error and Lambda's error JSON as the cause, as in AWS.
 */
export async function runStateMachine(
  definition: any,
  resolve: HandlerResolver,
  input: unknown,
  executionName: string,
): Promise<unknown> {
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
  const taskResourceLocalHandlers: NonNullable<
    NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']
  > = {};
  for (const [stateName, state] of taskStates(definition)) {
    taskResourceLocalHandlers[stateName] = async (taskInput: any) =>
      (await invoke(resolve(state.Parameters.FunctionName), taskInput.Payload)) as any;
  }

  const execution = machine.run(input as Parameters<StateMachine['run']>[0], {
    overrides: { taskResourceLocalHandlers },
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:000000000000:execution:Training:${executionName}`,
        Name: executionName,
        Input: input as Parameters<StateMachine['run']>[0],
        StartTime: new Date().toISOString(),
      },
    },
  });
  return execution.result;
}

async function invoke(target: ReturnType<HandlerResolver>, payload: unknown): Promise<unknown> {
  try {
    const result = await target.handler(payload, lambdaContext(target.name, target.timeoutMs));
    return {
      ExecutedVersion: '$LATEST',
      Payload: result,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: 'local' },
      StatusCode: 200,
    };
  } catch (error) {
    const failure = new Error(
      JSON.stringify({
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        trace: [],
      }),
    );
    failure.name = (error as Error).name;
    throw failure;
  }
}

function taskStates(definition: any): Array<[string, any]> {
  const found: Array<[string, any]> = [];
  for (const [name, state] of Object.entries<any>(definition.States)) {
    if (state.Type === 'Task') found.push([name, state]);
    if (state.ItemProcessor) found.push(...taskStates(state.ItemProcessor));
    if (state.Iterator) found.push(...taskStates(state.Iterator));
  }
  return found;
}
