import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { LocalFunctions } from '../runtime/local-functions.js';
import { functionNameFromArn } from '../template/local-resolver.js';
import type { StateMachineDefinition } from '../template/state-machines.js';
import { forEachState } from './for-each-state.js';

/** Receives Task events (scheduled, started, succeeded, failed) for the execution history. */
export type TaskEventListener = (type: string, details: Record<string, unknown>) => void;

/** A local stand-in for a Task state's resource, as aws-local-stepfunctions calls it. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** The optimized Lambda integration that CDK's `LambdaInvoke` task uses. */
const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';

/** Step Functions' limit on the data a state passes on, in bytes (256 KiB). */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** A task failure, with the error and cause that Step Functions records. */
export class TaskFailedError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Builds a local handler for every Task state of a definition, including those inside
 * Map and Parallel states, that invokes the stack's functions in this process.
 *
 * A `lambda:invoke` Task returns what the deployed integration returns: the function's
 * result as `Payload` with the SDK metadata around it. A Task whose resource is a function
 * ARN returns the function's result alone. When the function throws, the Task fails with
 * the error type as `Error` and Lambda's error JSON (`errorType`, `errorMessage`, `trace`)
 * as `Cause`, as in AWS.
 */
export function createTaskHandlers(
  definition: StateMachineDefinition,
  functions: LocalFunctions,
  onEvent: TaskEventListener,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};

  for (const [stateName, resource] of taskResources(definition)) {
    if (resource === LAMBDA_INVOKE_RESOURCE) {
      handlers[stateName] = (input) => invokeLambdaTask(functions, onEvent, input);
    } else if (/^arn:aws:lambda:[^:]+:\d+:function:/.test(resource)) {
      handlers[stateName] = (input) => invokeFunctionArnTask(functions, onEvent, resource, input);
    } else {
      handlers[stateName] = async () => {
        throw new TaskFailedError(
          'States.Runtime',
          `Task state '${stateName}' uses resource ${resource}, which the local stack cannot run; ` +
            'it runs Lambda tasks only',
        );
      };
    }
  }
  return handlers;
}

/** Lists `[stateName, resource]` for every Task state, nested states included. */
export function taskResources(definition: StateMachineDefinition): [string, string][] {
  const tasks: [string, string][] = [];
  forEachState(definition, (name, state) => {
    if (state.Type === 'Task') {
      tasks.push([name, String(state.Resource)]);
    }
  });
  return tasks;
}

async function invokeLambdaTask(
  functions: LocalFunctions,
  onEvent: TaskEventListener,
  input: unknown,
): Promise<unknown> {
  const parameters = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
  if (typeof parameters.FunctionName !== 'string') {
    throw new TaskFailedError(
      'States.Runtime',
      `a lambda:invoke task needs a FunctionName parameter, got ${JSON.stringify(input)}`,
    );
  }

  const payload = await invokeFunction(
    functions,
    onEvent,
    'invoke',
    functionNameFromArn(parameters.FunctionName),
    parameters.Payload ?? {},
    input,
  );
  const requestId = randomUUID();
  return succeed(onEvent, 'invoke', {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'X-Amz-Executed-Version': ['$LATEST'],
        'x-amzn-RequestId': [requestId],
        'Content-Type': ['application/json'],
      },
      HttpHeaders: {
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-RequestId': requestId,
        'Content-Type': 'application/json',
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  });
}

async function invokeFunctionArnTask(
  functions: LocalFunctions,
  onEvent: TaskEventListener,
  resource: string,
  input: unknown,
): Promise<unknown> {
  const name = functionNameFromArn(resource);
  const payload = await invokeFunction(functions, onEvent, resource, name, input, input);
  return succeed(onEvent, resource, payload);
}

async function invokeFunction(
  functions: LocalFunctions,
  onEvent: TaskEventListener,
  resource: string,
  name: string,
  payload: unknown,
  parameters: unknown,
): Promise<unknown> {
  // Lets the interpreter's StateEntered event reach the history before this Task's events.
  await setImmediate();

  const resourceDetails = { resourceType: 'lambda', resource };
  onEvent('TaskScheduled', { ...resourceDetails, parameters: JSON.stringify(parameters) });
  onEvent('TaskStarted', resourceDetails);

  const result = await functions.invoke(name, payload);
  if (!result.ok) {
    const cause = JSON.stringify(result.error);
    onEvent('TaskFailed', { ...resourceDetails, error: result.error.errorType, cause });
    throw new TaskFailedError(result.error.errorType, cause);
  }

  // The deployed function's result crosses the wire as JSON, so it arrives as JSON does.
  return JSON.parse(JSON.stringify(result.payload ?? null)) as unknown;
}

/** Checks the Task result against the state size limit and records its success. */
function succeed<T>(onEvent: TaskEventListener, resource: string, output: T): T {
  const text = JSON.stringify(output);
  const size = Buffer.byteLength(text);
  const resourceDetails = { resourceType: 'lambda', resource };
  if (size > STATE_PAYLOAD_LIMIT_BYTES) {
    const cause =
      `The state/task returned a result with a size exceeding the maximum number of bytes ` +
      `service limit (${size} > ${STATE_PAYLOAD_LIMIT_BYTES} bytes); store large data in S3 ` +
      'and pass its key';
    onEvent('TaskFailed', { ...resourceDetails, error: 'States.DataLimitExceeded', cause });
    throw new TaskFailedError('States.DataLimitExceeded', cause);
  }
  onEvent('TaskSucceeded', { ...resourceDetails, output: text });
  return output;
}
