import { Duration, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantBucketAccess } from './bucket-access.js';
import { invoke } from './lambda-task.js';
import { acknowledgeNag } from './nag.js';
import { acknowledgeStateMachineGrants } from './state-machine-nag.js';
import { ProbeFunction } from './probe-function.js';
import { BACKFILL_SIZING } from './sizing.js';

/** Properties of {@link BackfillWorkflow}. */
export interface BackfillWorkflowProps {
  readonly bucket: s3.Bucket;
  readonly backboneLayer: lambda.ILayerVersion;
  /** @default the backbone's default feature layer */
  readonly featureLayer?: string;
}

/** The state names of the backfill state machine. */
export const BACKFILL_STATES = {
  map: 'ExtractExistingImages',
  batch: 'ExtractBatch',
} as const;

/**
 * The backfill: a Distributed Map that lists `images/` and sends batches of keys to the
 * backfill-batch function, which extracts what is missing or stale for the deployed
 * backbone and feature layer. Run it after changing either, so no image needs uploading
 * again. It is a state machine of its own because the local interpreter cannot read S3
 * listings. The local stack calls the same handler over its own listing instead.
 */
export class BackfillWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly batch: ProbeFunction;

  constructor(scope: Construct, id: string, props: BackfillWorkflowProps) {
    super(scope, id);

    this.batch = new ProbeFunction(this, 'Batch', {
      name: 'backfill-batch',
      description: 'Extracts features for a batch of existing images (Distributed Map items)',
      bucket: props.bucket,
      backboneLayer: props.backboneLayer,
      environment: props.featureLayer ? { VGG_PROBE_FEATURE_LAYER: props.featureLayer } : {},
      memorySize: BACKFILL_SIZING.memorySize,
      timeout: BACKFILL_SIZING.timeout,
    });
    grantBucketAccess(this.batch.role, props.bucket, {
      read: ['images/*', 'features/*', 'errors/*'],
      write: ['features/*', 'errors/*'],
      delete: ['features/*', 'errors/*'],
      list: true,
    });

    const extractBatch = invoke(
      this,
      BACKFILL_STATES.batch,
      this.batch.function,
      BACKFILL_SIZING.timeout,
      {
        resultSelector: { extracted: sfn.JsonPath.numberAt('$.Payload.extracted') },
        retryOnServiceExceptions: true,
      },
    );
    extractBatch.addRetry({
      errors: ['States.TaskFailed'],
      maxAttempts: 2,
      interval: Duration.seconds(10),
      backoffRate: 2,
    });

    const map = new sfn.DistributedMap(this, BACKFILL_STATES.map, {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: props.bucket, prefix: 'images/' }),
      itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: BACKFILL_SIZING.itemsPerBatch }),
      maxConcurrency: BACKFILL_SIZING.maxConcurrency,
      // Per-image failures end as error records inside the handler; a failed batch means
      // S3 or the function itself failed, which should stop the backfill.
      toleratedFailurePercentage: 0,
      // The per-batch results of a large bucket would exceed the 256 KiB state limit.
      resultPath: sfn.JsonPath.DISCARD,
    });
    map.itemProcessor(extractBatch);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(map),
      timeout: Duration.hours(24),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'vgg-probe: extract features for every image already under images/',
    });
    acknowledgeStateMachineGrants(this.stateMachine, [this.batch.function]);
    this.acknowledgeChildExecutions();
  }

  /**
   * Acknowledges the grant on child executions. A Distributed Map runs its items as child
   * executions of this state machine, whose ARNs exist only at run time, so CDK scopes
   * the grant to this state machine's name.
   */
  private acknowledgeChildExecutions(): void {
    const name =
      '{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"' +
      Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnElement) +
      '"}]}]}';
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}`;
    const reason =
      'Distributed Map child executions get run-time ARNs; the grant is limited to executions of this state machine.';
    acknowledgeNag(this.stateMachine, `AwsSolutions-IAM5[Resource::${executions}:*]`, reason);
    acknowledgeNag(this.stateMachine, `AwsSolutions-IAM5[Resource::${executions}/*:*]`, reason);
  }
}
