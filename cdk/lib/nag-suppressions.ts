import { Stack } from 'aws-cdk-lib';
import { acknowledgeNag } from './nag.js';
import type { PredictionApi } from './prediction-api.js';

/**
 * Acknowledges the cdk-nag findings on resources that CDK creates outside the project's
 * constructs (the bucket notification handler) and on the API's authorization choice.
 */
export function applyNagSuppressions(stack: Stack, api: PredictionApi): void {
  const notificationsHandler = stack.node
    .findAll()
    .find((construct) => construct.node.id.startsWith('BucketNotificationsHandler'));
  if (notificationsHandler) {
    acknowledgeNag(
      notificationsHandler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK creates this handler to configure the bucket notifications at deploy time; the managed ' +
        'policy only allows it to write its own logs.',
    );
  }

  acknowledgeNag(
    api.api,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'API Gateway needs an account-level role to write execution logs; this AWS managed policy is the ' +
      'documented minimum for that role.',
  );
  acknowledgeNag(
    api.api,
    'AwsSolutions-APIG3',
    'Callers are limited by an API key with usage-plan throttling and a stage-wide throttle; attach an ' +
      'AWS WAF web ACL to the stage when the API is exposed beyond known clients.',
  );
  for (const rule of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
    acknowledgeNag(
      api.api,
      rule,
      'Every method requires an API key bound to a usage plan (apiKeyRequired); the callers are scripts ' +
        'and the CLI rather than end users, so there is no Cognito user pool or custom authorizer.',
    );
  }
}
