import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CfnTemplate } from './cloudformation.js';
import { FUNCTION_METADATA_KEY } from './local-resolver.js';

/**
 * Synthesizes a small stack shaped like the product's, for tests of the local stack that
 * must not depend on the product's CDK app. It has bucket notifications to a queue with a
 * dead-letter queue, which has a dead-letter queue of its own without a consumer, a
 * LambdaInvoke loop and a REST API with an API key.
 */
export function synthesizeTestTemplate(): CfnTemplate {
  const app = new App();
  const stack = new Stack(app, 'VggProbe');

  const fn = (name: string, timeout = 10) => {
    const created = new lambda.Function(stack, `${name}Function`, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      timeout: Duration.seconds(timeout),
      environment: { SHARED: 'yes', [`ONLY_${name.toUpperCase().replace(/-/g, '_')}`]: name },
    });
    (created.node.defaultChild as lambda.CfnFunction).addMetadata(FUNCTION_METADATA_KEY, name);
    return created;
  };

  const bucket = new s3.Bucket(stack, 'Data');
  const unrecordedFailures = new sqs.Queue(stack, 'UnrecordedFailures');
  const deadLetters = new sqs.Queue(stack, 'DeadLetters', {
    deadLetterQueue: { queue: unrecordedFailures, maxReceiveCount: 2 },
  });
  const uploads = new sqs.Queue(stack, 'Uploads', {
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 2 },
  });
  const destination = new s3n.SqsDestination(uploads);
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, destination, { prefix: 'images/' });
  bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, destination, { prefix: 'images/' });

  fn('extract').addEventSource(
    new SqsEventSource(uploads, { batchSize: 3, reportBatchItemFailures: true }),
  );
  fn('record-failure').addEventSource(
    new SqsEventSource(deadLetters, { reportBatchItemFailures: true }),
  );

  const step = new tasks.LambdaInvoke(stack, 'Step', {
    lambdaFunction: fn('step', 900),
    payload: sfn.TaskInput.fromObject({
      count: sfn.JsonPath.numberAt('$.count'),
      runId: sfn.JsonPath.stringAt('$$.Execution.Name'),
    }),
    resultSelector: {
      count: sfn.JsonPath.numberAt('$.Payload.count'),
      runId: sfn.JsonPath.stringAt('$.Payload.runId'),
      statusCode: sfn.JsonPath.numberAt('$.StatusCode'),
    },
  });
  const done = new sfn.Choice(stack, 'Done?')
    .when(sfn.Condition.numberGreaterThanEquals('$.count', 3), new sfn.Succeed(stack, 'Finished'))
    .otherwise(step);
  const machine = new sfn.StateMachine(stack, 'Training', {
    definitionBody: sfn.DefinitionBody.fromChainable(step.next(done)),
  });

  const api = new apigateway.RestApi(stack, 'Api', {
    binaryMediaTypes: ['image/*'],
    deployOptions: { stageName: 'v1' },
    defaultMethodOptions: { apiKeyRequired: true },
  });
  const integration = new apigateway.LambdaIntegration(fn('predict'));
  api.root.addResource('predict').addMethod('POST', integration);
  const models = api.root.addResource('models');
  models.addMethod('GET', integration);
  models.addResource('current').addMethod('PUT', integration);
  const key = api.addApiKey('Key');
  const plan = api.addUsagePlan('Plan', { throttle: { rateLimit: 50, burstLimit: 100 } });
  plan.addApiKey(key);
  plan.addApiStage({ stage: api.deploymentStage });

  new CfnOutput(stack, 'BucketName', { value: bucket.bucketName });
  new CfnOutput(stack, 'ApiUrl', { value: api.url });
  new CfnOutput(stack, 'ApiKeyId', { value: key.keyId });
  new CfnOutput(stack, 'TrainingStateMachineArn', { value: machine.stateMachineArn });
  new CfnOutput(stack, 'UnrecordedFailuresQueueArn', { value: unrecordedFailures.queueArn });

  return app.synth().getStackByName('VggProbe').template as CfnTemplate;
}
