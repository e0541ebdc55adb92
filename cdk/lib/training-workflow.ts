import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { grantBucketAccess } from './bucket-access.js';
import { invoke } from './lambda-task.js';
import { acknowledgeStateMachineGrants } from './state-machine-nag.js';
import { ProbeFunction } from './probe-function.js';
import {
  DESCRIBE_FAILURE_SIZING,
  EVALUATE_SIZING,
  PREPARE_DATASET_SIZING,
  PUBLISH_SIZING,
  SWEEP_MAX_CONCURRENCY,
  TRAIN_CHUNK_SIZING,
  VALIDATE_INPUT_SIZING,
} from './sizing.js';

/** Properties of {@link TrainingWorkflow}. */
export interface TrainingWorkflowProps {
  readonly bucket: s3.Bucket;
  /** @default the backbone's default feature layer */
  readonly featureLayer?: string;
}

/** The state names, which the local stack and the tests refer to. */
export const TRAINING_STATES = {
  validateInput: 'ValidateInput',
  prepareDataset: 'PrepareDataset',
  trainCandidates: 'TrainCandidates',
  trainChunk: 'TrainChunk',
  chunkDone: 'TrainingDone?',
  evaluateCandidate: 'EvaluateCandidate',
  publishModel: 'PublishModel',
  describeFailure: 'DescribeFailure',
  trainingFailed: 'TrainingFailed',
  failureUndescribed: 'TrainingFailedUndescribed',
} as const;

/**
 * The training state machine:
 * ValidateInput → PrepareDataset → TrainCandidates (a Map over the sweep candidates, each
 * looping TrainChunk until done, then EvaluateCandidate) → PublishModel. Any failure goes
 * through DescribeFailure to a Fail state whose cause is a readable message.
 *
 * State payloads carry only the run id, S3 keys, hyperparameters and small numbers;
 * feature data stays in S3.
 */
export class TrainingWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: ProbeFunction[] = [];

  constructor(scope: Construct, id: string, props: TrainingWorkflowProps) {
    super(scope, id);
    const environment: Record<string, string> = {};
    if (props.featureLayer) environment.VGG_PROBE_FEATURE_LAYER = props.featureLayer;

    const make = (
      name: string,
      description: string,
      sizing: { memorySize: number; timeout: Duration },
    ) => {
      const created = new ProbeFunction(this, `${pascalCase(name)}Function`, {
        name,
        description,
        bucket: props.bucket,
        environment,
        memorySize: sizing.memorySize,
        timeout: sizing.timeout,
      });
      this.functions.push(created);
      return created;
    };

    const validateInput = make(
      'validate-input',
      'Validates training input and fills defaults',
      VALIDATE_INPUT_SIZING,
    );
    const prepareDataset = make(
      'prepare-dataset',
      'Indexes features, splits them and writes training shards',
      PREPARE_DATASET_SIZING,
    );
    const trainChunk = make(
      'train-chunk',
      'Runs a time-budgeted chunk of epochs and saves a checkpoint',
      TRAIN_CHUNK_SIZING,
    );
    const evaluate = make(
      'evaluate-candidate',
      'Evaluates a trained candidate on the validation split',
      EVALUATE_SIZING,
    );
    const publish = make(
      'publish-model',
      'Publishes the best candidate and moves models/current.json',
      PUBLISH_SIZING,
    );
    const describeFailure = make(
      'describe-failure',
      'Turns a failed step into a readable cause',
      DESCRIBE_FAILURE_SIZING,
    );

    grantBucketAccess(prepareDataset.role, props.bucket, {
      read: ['features/*'],
      write: ['training/*'],
      list: true,
    });
    grantBucketAccess(trainChunk.role, props.bucket, {
      read: ['training/*'],
      write: ['training/*'],
      list: true,
    });
    grantBucketAccess(evaluate.role, props.bucket, {
      read: ['training/*'],
      write: ['training/*'],
      list: true,
    });
    grantBucketAccess(publish.role, props.bucket, {
      read: ['training/*', 'models/*'],
      write: ['models/*'],
      list: true,
    });

    const definition = this.buildDefinition({
      validateInput: validateInput.function,
      prepareDataset: prepareDataset.function,
      trainChunk: trainChunk.function,
      evaluate: evaluate.function,
      publish: publish.function,
      describeFailure: describeFailure.function,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(12),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment:
        'vgg-probe: train a linear probe on stored feature vectors and publish the best model',
    });
    acknowledgeStateMachineGrants(
      this.stateMachine,
      this.functions.map((f) => f.function),
    );
  }

  private buildDefinition(
    fns: Record<
      | 'validateInput'
      | 'prepareDataset'
      | 'trainChunk'
      | 'evaluate'
      | 'publish'
      | 'describeFailure',
      lambda.IFunction
    >,
  ): sfn.IChainable {
    const s = TRAINING_STATES;

    const failed = new sfn.Fail(this, s.trainingFailed, {
      errorPath: '$.failure.error',
      causePath: '$.failure.cause',
    });
    const failedUndescribed = new sfn.Fail(this, s.failureUndescribed, {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    const describeFailure = invoke(
      this,
      s.describeFailure,
      fns.describeFailure,
      DESCRIBE_FAILURE_SIZING.timeout,
      {
        payload: sfn.TaskInput.fromObject({
          error: sfn.JsonPath.stringAt('$.failure.Error'),
          cause: sfn.JsonPath.stringAt('$.failure.Cause'),
        }),
        resultSelector: {
          error: sfn.JsonPath.stringAt('$.Payload.error'),
          cause: sfn.JsonPath.stringAt('$.Payload.cause'),
        },
        resultPath: '$.failure',
      },
    );
    describeFailure.addCatch(failedUndescribed, { resultPath: '$.describeFailureError' });
    describeFailure.next(failed);
    const onFailure = (state: tasks.LambdaInvoke | sfn.Map) =>
      state.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    const validateInput = invoke(
      this,
      s.validateInput,
      fns.validateInput,
      VALIDATE_INPUT_SIZING.timeout,
      {
        payload: sfn.TaskInput.fromObject({
          input: sfn.JsonPath.entirePayload,
          runId: sfn.JsonPath.stringAt('$$.Execution.Name'),
        }),
        // No ResultPath: the default replaces the input. aws-local-stepfunctions 3.0.0
        // stores the result under a key named "$" when ResultPath is "$".
        resultSelector: { run: sfn.JsonPath.objectAt('$.Payload') },
      },
    );
    onFailure(validateInput);

    const prepareDataset = invoke(
      this,
      s.prepareDataset,
      fns.prepareDataset,
      PREPARE_DATASET_SIZING.timeout,
      {
        payload: sfn.TaskInput.fromObject({
          runId: sfn.JsonPath.stringAt('$.run.runId'),
          config: sfn.JsonPath.objectAt('$.run.config'),
        }),
        resultSelector: {
          datasetKey: sfn.JsonPath.stringAt('$.Payload.datasetKey'),
          classCount: sfn.JsonPath.numberAt('$.Payload.classCount'),
          trainCount: sfn.JsonPath.numberAt('$.Payload.trainCount'),
          validationCount: sfn.JsonPath.numberAt('$.Payload.validationCount'),
        },
        resultPath: '$.dataset',
      },
    );
    onFailure(prepareDataset);

    const trainCandidates = this.buildCandidateMap(fns);
    onFailure(trainCandidates);

    const publishModel = invoke(this, s.publishModel, fns.publish, PUBLISH_SIZING.timeout, {
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.run.runId'),
        version: sfn.JsonPath.stringAt('$.run.version'),
        config: sfn.JsonPath.objectAt('$.run.config'),
        datasetKey: sfn.JsonPath.stringAt('$.dataset.datasetKey'),
        candidates: sfn.JsonPath.listAt('$.candidates'),
      }),
      outputPath: '$.Payload',
    });
    onFailure(publishModel);

    return validateInput.next(prepareDataset).next(trainCandidates).next(publishModel);
  }

  /** Builds the Map state that trains every sweep candidate (one without a sweep). */
  private buildCandidateMap(fns: Record<'trainChunk' | 'evaluate', lambda.IFunction>): sfn.Map {
    const s = TRAINING_STATES;

    const trainChunk = invoke(this, s.trainChunk, fns.trainChunk, TRAIN_CHUNK_SIZING.timeout, {
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        datasetKey: sfn.JsonPath.stringAt('$.datasetKey'),
        config: sfn.JsonPath.objectAt('$.config'),
        candidate: sfn.JsonPath.objectAt('$.candidate'),
      }),
      resultSelector: {
        done: sfn.JsonPath.objectAt('$.Payload.done'),
        phase: sfn.JsonPath.stringAt('$.Payload.phase'),
        epochsRun: sfn.JsonPath.numberAt('$.Payload.epochsRun'),
        epochsDone: sfn.JsonPath.numberAt('$.Payload.epochsDone'),
        checkpointKey: sfn.JsonPath.stringAt('$.Payload.checkpointKey'),
      },
      resultPath: '$.progress',
    });
    // An invocation that timed out or ran out of memory saved no checkpoint for its last
    // epochs, so the retry resumes from the previous checkpoint and runs them again.
    trainChunk.addRetry({
      errors: ['Sandbox.Timedout', 'Lambda.Unknown', 'States.Timeout'],
      interval: Duration.seconds(2),
      maxAttempts: 2,
      backoffRate: 2,
    });
    const evaluateCandidate = invoke(
      this,
      s.evaluateCandidate,
      fns.evaluate,
      EVALUATE_SIZING.timeout,
      {
        payload: sfn.TaskInput.fromObject({
          runId: sfn.JsonPath.stringAt('$.runId'),
          datasetKey: sfn.JsonPath.stringAt('$.datasetKey'),
          candidate: sfn.JsonPath.objectAt('$.candidate'),
          checkpointKey: sfn.JsonPath.stringAt('$.progress.checkpointKey'),
        }),
        outputPath: '$.Payload',
      },
    );
    const chunkDone = new sfn.Choice(this, s.chunkDone)
      .when(sfn.Condition.booleanEquals('$.progress.done', true), evaluateCandidate)
      .otherwise(trainChunk);

    const map = new sfn.Map(this, s.trainCandidates, {
      itemsPath: '$.run.candidates',
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.run.runId'),
        datasetKey: sfn.JsonPath.stringAt('$.dataset.datasetKey'),
        config: sfn.JsonPath.objectAt('$.run.config'),
        candidate: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency: SWEEP_MAX_CONCURRENCY,
      resultPath: '$.candidates',
    });
    map.itemProcessor(trainChunk.next(chunkDone));
    return map;
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
