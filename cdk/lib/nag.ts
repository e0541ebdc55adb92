import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` and everything below it. `rule` is the
 * finding id as cdk-nag prints it, for example `AwsSolutions-L1` or
 * `AwsSolutions-IAM5[Resource::<Bucket.Arn>/images/*]`.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: rule, reason });
}

/** Returns the `<LogicalId.Arn>` notation that cdk-nag uses for a resource's ARN in findings. */
export function nagArn(resource: IConstruct): string {
  const element = resource.node.defaultChild as CfnElement;
  return `<${Stack.of(resource).getLogicalId(element)}.Arn>`;
}
