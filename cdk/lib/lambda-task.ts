import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * A LambdaInvoke task with the standard result shape (`Payload`, `StatusCode`, …) and a
 * task timeout 30 seconds above the function timeout. The local interpreter applies
 * `TimeoutSeconds` too, and falls back to 60 seconds without it.
 */
export function invoke(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  functionTimeout: Duration,
  props: Omit<tasks.LambdaInvokeProps, 'lambdaFunction'>,
): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    taskTimeout: sfn.Timeout.duration(functionTimeout.plus(Duration.seconds(30))),
    ...props,
  });
}
