import type { HistoryEvent } from './execution-history.js';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type LocalStateMachine,
} from './local-state-machine.js';

/** A JSON response of the Step Functions API (AWS JSON 1.0 protocol). */
export interface SfnApiResponse {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

/** The prefix of the `X-Amz-Target` header of Step Functions requests. */
export const SFN_TARGET_PREFIX = 'AWSStepFunctions.';

class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the subset of the Step Functions API that the CLI uses, over the local state
 * machines, so that the AWS SDK's `SFNClient` works against the local stack unchanged:
 * StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution,
 * DescribeStateMachine and ListStateMachines. Times are epoch seconds, as the protocol has.
 */
export async function handleSfnRequest(
  machines: readonly LocalStateMachine[],
  target: string,
  request: Record<string, unknown>,
): Promise<SfnApiResponse> {
  try {
    const operation = target.startsWith(SFN_TARGET_PREFIX)
      ? target.slice(SFN_TARGET_PREFIX.length)
      : target;
    return { statusCode: 200, body: await dispatch(machines, operation, request) };
  } catch (error) {
    if (error instanceof SfnApiError) {
      return { statusCode: 400, body: { __type: error.type, message: error.message } };
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    if (['ExecutionDoesNotExist', 'ExecutionAlreadyExists', 'InvalidName'].includes(name)) {
      return { statusCode: 400, body: { __type: name, message } };
    }
    return { statusCode: 500, body: { __type: 'InternalFailure', message } };
  }
}

async function dispatch(
  machines: readonly LocalStateMachine[],
  operation: string,
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'StartExecution': {
      const machine = findMachine(machines, request.stateMachineArn);
      const input = parseInput(request.input);
      const record = machine.start(input, request.name as string | undefined);
      return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
    }
    case 'DescribeExecution':
      return describe(
        executionMachine(machines, request.executionArn).describe(String(request.executionArn)),
      );
    case 'ListExecutions': {
      const machine = findMachine(machines, request.stateMachineArn);
      const records = machine.list(request.statusFilter as ExecutionStatus | undefined);
      const page = paginate(records, request);
      return {
        executions: page.items.map((record) => summarize(record)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    }
    case 'GetExecutionHistory': {
      const arn = String(request.executionArn);
      let events = executionMachine(machines, arn).history(arn);
      if (request.reverseOrder === true) {
        events = [...events].reverse();
      }
      const page = paginate(events, request);
      return {
        events: page.items.map((event: HistoryEvent) => ({
          ...event,
          timestamp: seconds(event.timestamp),
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    }
    case 'StopExecution': {
      const arn = String(request.executionArn);
      const machine = executionMachine(machines, arn);
      const record = machine.describe(arn);
      // Step Functions returns at once, and the execution ends in the background.
      void machine.stop(
        arn,
        request.error as string | undefined,
        request.cause as string | undefined,
      );
      return { stopDate: seconds(record.stopDate ?? Date.now()) };
    }
    case 'DescribeStateMachine': {
      const machine = findMachine(machines, request.stateMachineArn);
      return {
        stateMachineArn: machine.stateMachineArn,
        name: machine.name,
        status: 'ACTIVE',
        definition: JSON.stringify(machine.definition),
        roleArn: 'local',
        type: 'STANDARD',
        creationDate: seconds(Date.now()),
      };
    }
    case 'ListStateMachines':
      return {
        stateMachines: machines.map((machine) => ({
          stateMachineArn: machine.stateMachineArn,
          name: machine.name,
          type: 'STANDARD',
          creationDate: seconds(Date.now()),
        })),
      };
    default:
      throw new SfnApiError(
        'UnknownOperationException',
        `operation ${operation} is not served by the local Step Functions API`,
      );
  }
}

function findMachine(machines: readonly LocalStateMachine[], arn: unknown): LocalStateMachine {
  const machine = machines.find((candidate) => candidate.stateMachineArn === arn);
  if (!machine) {
    throw new SfnApiError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${String(arn)}' (local: ${machines.map((m) => m.stateMachineArn).join(', ')})`,
    );
  }
  return machine;
}

function executionMachine(
  machines: readonly LocalStateMachine[],
  executionArn: unknown,
): LocalStateMachine {
  const arn = String(executionArn);
  const machineArn = arn.replace(':execution:', ':stateMachine:').split(':').slice(0, -1).join(':');
  const machine = machines.find((candidate) => candidate.stateMachineArn === machineArn);
  if (!machine) {
    throw new SfnApiError('ExecutionDoesNotExist', `Execution does not exist: '${arn}'`);
  }
  return machine;
}

function parseInput(input: unknown): unknown {
  if (input === undefined) {
    return {};
  }
  try {
    return JSON.parse(String(input));
  } catch (error) {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `Invalid execution input: ${(error as Error).message}`,
    );
  }
}

function describe(record: ExecutionRecord): Record<string, unknown> {
  return {
    ...summarize(record),
    input: record.input,
    ...(record.output !== undefined ? { output: record.output } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

function summarize(record: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    ...(record.stopDate !== undefined ? { stopDate: seconds(record.stopDate) } : {}),
  };
}

function paginate<T>(items: readonly T[], request: Record<string, unknown>) {
  const start = request.nextToken ? Number(request.nextToken) : 0;
  const size = Number(request.maxResults) > 0 ? Number(request.maxResults) : 1000;
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? String(end) : undefined,
  };
}

function seconds(epochMs: number): number {
  return epochMs / 1000;
}
