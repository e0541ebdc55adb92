import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeNag, nagArn } from './nag.js';

/**
 * Acknowledges the wildcards that CDK puts in every state machine role with logging,
 * tracing and Lambda tasks. Each reason explains why the wildcard cannot be narrowed.
 */
export function acknowledgeStateMachineGrants(
  stateMachine: sfn.StateMachine,
  functions: readonly lambda.IFunction[],
): void {
  acknowledgeNag(
    stateMachine,
    'AwsSolutions-IAM5[Resource::*]',
    'CloudWatch Logs vended log delivery (logs:CreateLogDelivery and related) and the X-Ray ' +
      'PutTraceSegments/PutTelemetryRecords/GetSampling* actions do not support resource-level permissions.',
  );
  for (const fn of functions) {
    acknowledgeNag(
      stateMachine,
      `AwsSolutions-IAM5[Resource::${nagArn(fn)}:*]`,
      'LambdaInvoke grants lambda:InvokeFunction on this one function and its versions and aliases (`:*`).',
    );
  }
}
