import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The part of a function's configuration that its invocation context reports. */
export interface LambdaContextOptions {
  readonly functionName: string;
  /** The function timeout in seconds, as configured in the template. */
  readonly timeoutSeconds: number;
  /** @default 128 */
  readonly memorySizeMb?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default a random UUID */
  readonly awsRequestId?: string;
}

/** Account id used in local ARNs; the local stack has no AWS account. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Builds the ARN a local function reports as its own. */
export function localFunctionArn(functionName: string, region = 'us-east-1'): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

/**
 * Creates a Lambda invocation context whose `getRemainingTimeInMillis()` counts down from
 * the function's timeout, starting now.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const region = options.region ?? 'us-east-1';
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = (name: string) => () => {
    throw new Error(
      `context.${name}() is not supported locally: return a value or throw from the async handler`,
    );
  };

  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(options.functionName, region),
    memoryLimitInMB: String(options.memorySizeMb ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${today}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
