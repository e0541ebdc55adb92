import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECORD_FAILURE_MAX_RECEIVE_COUNT } from '../cdk/lib/extraction.js';
import {
  BACKFILL_SIZING,
  EXTRACT_SIZING,
  PREDICT_SIZING,
  RECORD_FAILURE_SIZING,
  TRAIN_CHUNK_SIZING,
} from '../cdk/lib/sizing.js';
import {
  functionsByName,
  roleStatements,
  stateMachineDefinition,
  synthStack,
  type TemplateResource,
} from './synth-stack.js';

const FUNCTION_NAMES = [
  'backfill-batch',
  'describe-failure',
  'evaluate-candidate',
  'extract',
  'models',
  'predict',
  'prepare-dataset',
  'publish-model',
  'record-failure',
  'train-chunk',
  'validate-input',
];
const LAYERED = ['backfill-batch', 'extract', 'predict', 'record-failure'];

let template: Template;

beforeAll(() => {
  // One real synth with esbuild bundling, shared by every assertion below.
  template = synthStack().template;
});

function fn(name: string): { logicalId: string; resource: TemplateResource } {
  const found = functionsByName(template).get(name);
  if (!found) throw new Error(`function ${name} not in the template`);
  return found;
}

function roleOf(name: string): string {
  return fn(name).resource.Properties.Role['Fn::GetAtt'][0];
}

/** Lists the S3 key patterns, such as `images/*`, that a function may use with `action`. */
function objectPatterns(name: string, action: string): string[] {
  return roleStatements(template, roleOf(name))
    .filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat())
    .map((resource) => resource['Fn::Join']?.[1]?.[1] as string)
    .filter((suffix) => typeof suffix === 'string')
    .map((suffix) => suffix.replace(/^\//, ''))
    .sort();
}

describe('bucket', () => {
  it('blocks public access', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data/' }),
    });
  });

  it('encrypts at rest', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
    });
  });

  it('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires training scratch data', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'training/', ExpirationInDays: 14 })]),
      },
    });
  });

  it('is retained when the stack is deleted', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ LoggingConfiguration: Match.anyValue() }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe('extraction on upload', () => {
  /** Returns the logical id of the one queue whose id starts with `prefix`. */
  function queueId(prefix: string): string {
    const ids = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) =>
      id.startsWith(prefix),
    );
    expect(ids).toHaveLength(1);
    return ids[0];
  }
  const unrecordedFailuresId = () => queueId('ExtractionUnrecordedFailures');
  const deadLettersId = () => queueId('ExtractionDeadLetters');

  function notificationEvents(): string[] {
    const [resource] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    const queues = (resource as TemplateResource).Properties.NotificationConfiguration
      .QueueConfigurations;
    for (const queue of queues) {
      expect(queue.Filter.Key.FilterRules).toEqual([{ Name: 'prefix', Value: 'images/' }]);
    }
    return queues.flatMap((queue: any) => queue.Events).sort();
  }

  it('sends created and removed images to the queue', () => {
    expect(notificationEvents()).toEqual([
      's3:ObjectCreated:CompleteMultipartUpload',
      's3:ObjectCreated:Copy',
      's3:ObjectCreated:Post',
      's3:ObjectCreated:Put',
      's3:ObjectRemoved:*',
    ]);
  });

  it('has a dead-letter queue after three receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: Match.anyValue(),
        maxReceiveCount: EXTRACT_SIZING.maxReceiveCount,
      },
      VisibilityTimeout: EXTRACT_SIZING.timeout.toSeconds() * 6,
      SqsManagedSseEnabled: true,
    });
  });

  it('reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('extract').logicalId },
      BatchSize: EXTRACT_SIZING.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('redrives dead letters after five receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [unrecordedFailuresId(), 'Arn'] },
        maxReceiveCount: RECORD_FAILURE_MAX_RECEIVE_COUNT,
      },
      VisibilityTimeout: RECORD_FAILURE_SIZING.timeout.toSeconds() + 30,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(RECORD_FAILURE_MAX_RECEIVE_COUNT).toBe(5);
  });

  it('keeps unrecorded failures 14 days, encrypted', () => {
    const queue = template.findResources('AWS::SQS::Queue')[unrecordedFailuresId()] as TemplateResource;

    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.RedrivePolicy).toBeUndefined();
  });

  it('leaves unrecorded failures unconsumed', () => {
    const sources = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map(
      (mapping) => (mapping as TemplateResource).Properties.EventSourceArn['Fn::GetAtt'][0],
    );

    expect(sources).toHaveLength(2);
    expect(sources).not.toContain(unrecordedFailuresId());
  });

  it('alarms on one unrecorded failure', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [unrecordedFailuresId(), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('outputs the queues of a redrive', () => {
    const outputs = template.findOutputs('*');

    expect(outputs.UnrecordedFailuresQueueArn.Value).toEqual({
      'Fn::GetAtt': [unrecordedFailuresId(), 'Arn'],
    });
    expect(outputs.DeadLetterQueueArn.Value).toEqual({
      'Fn::GetAtt': [deadLettersId(), 'Arn'],
    });
  });

  it('consumes the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('record-failure').logicalId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('rejects plain HTTP on the queues', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const tlsDenials = policies.filter((policy) =>
      (policy as TemplateResource).Properties.PolicyDocument.Statement.some(
        (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );
    expect(tlsDenials.length).toBe(3);
  });
});

describe('functions', () => {
  it('has one function per handler folder', () => {
    expect([...functionsByName(template).keys()].sort()).toEqual(FUNCTION_NAMES);
  });

  it.each(FUNCTION_NAMES)('%s runs Node.js 22 on x86_64', (name) => {
    const props = fn(name).resource.Properties;
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['x86_64']);
    expect(props.Handler).toBe('index.handler');
  });

  it.each(FUNCTION_NAMES)('%s gets the bucket name', (name) => {
    const variables = fn(name).resource.Properties.Environment.Variables;
    expect(variables.BUCKET_NAME).toEqual({ Ref: expect.stringMatching(/^StorageData/) });
    expect(variables.S3_ENDPOINT).toBeUndefined();
  });

  it.each(LAYERED)('%s has the backbone layer', (name) => {
    const props = fn(name).resource.Properties;
    expect(props.Layers).toHaveLength(1);
    expect(props.Environment.Variables.VGG_PROBE_BACKBONE_DIR).toBe('/opt/backbone');
  });

  it('attaches the layer only where features are extracted', () => {
    const withLayer = FUNCTION_NAMES.filter((name) => fn(name).resource.Properties.Layers?.length);
    expect(withLayer).toEqual(LAYERED);
  });

  it.each([
    ['extract', EXTRACT_SIZING],
    ['backfill-batch', BACKFILL_SIZING],
    ['predict', PREDICT_SIZING],
    ['train-chunk', TRAIN_CHUNK_SIZING],
  ] as const)('%s has the documented memory and timeout', (name, sizing) => {
    const props = fn(name).resource.Properties;
    expect(props.MemorySize).toBe(sizing.memorySize);
    expect(props.Timeout).toBe(sizing.timeout.toSeconds());
  });

  it('answers predict within the API timeout', () => {
    expect(fn('predict').resource.Properties.Timeout).toBeLessThanOrEqual(29);
  });
});

describe('IAM scoping', () => {
  it('lets extract write only features and errors', () => {
    expect(objectPatterns('extract', 's3:PutObject')).toEqual(['errors/*', 'features/*']);
    expect(objectPatterns('extract', 's3:DeleteObject')).toEqual(['errors/*', 'features/*']);
    expect(objectPatterns('extract', 's3:GetObject')).toEqual([
      'errors/*',
      'features/*',
      'images/*',
    ]);
  });

  it('lets record-failure write only errors', () => {
    expect(objectPatterns('record-failure', 's3:PutObject')).toEqual(['errors/*']);
    expect(objectPatterns('record-failure', 's3:GetObject')).toEqual([
      'errors/*',
      'features/*',
      'images/*',
    ]);
  });

  it('keeps predict read-only', () => {
    expect(objectPatterns('predict', 's3:GetObject')).toEqual(['images/*', 'models/*']);
    expect(objectPatterns('predict', 's3:PutObject')).toEqual([]);
    expect(objectPatterns('predict', 's3:DeleteObject')).toEqual([]);
  });

  it('lets rollback write only the current pointer', () => {
    expect(objectPatterns('models', 's3:PutObject')).toEqual(['models/current.json']);
  });

  it('keeps training steps inside their prefixes', () => {
    expect(objectPatterns('prepare-dataset', 's3:GetObject')).toEqual(['features/*']);
    expect(objectPatterns('prepare-dataset', 's3:PutObject')).toEqual(['training/*']);
    expect(objectPatterns('train-chunk', 's3:PutObject')).toEqual(['training/*']);
    expect(objectPatterns('publish-model', 's3:PutObject')).toEqual(['models/*']);
  });

  it('gives input validation no S3 access', () => {
    const actions = roleStatements(template, roleOf('validate-input')).flatMap((s) =>
      [s.Action].flat(),
    );
    expect(actions.filter((action: string) => action.startsWith('s3:'))).toEqual([]);
  });

  it.each(FUNCTION_NAMES)('%s has no wildcard action or resource', (name) => {
    for (const statement of roleStatements(template, roleOf(name))) {
      expect([statement.Action].flat().some((action: string) => action.includes('*'))).toBe(false);
      expect([statement.Resource].flat()).not.toContain('*');
    }
  });

  it.each(FUNCTION_NAMES)('%s has no managed policy', (name) => {
    const role = template.findResources('AWS::IAM::Role')[roleOf(name)] as TemplateResource;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('training state machine', () => {
  let definition: any;

  beforeAll(() => {
    definition = stateMachineDefinition(template, 'TrainingStateMachine');
  });

  it('starts by validating the input', () => {
    expect(definition.StartAt).toBe('ValidateInput');
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('has the documented top-level states', () => {
    expect(Object.keys(definition.States).sort()).toEqual(
      [
        'DescribeFailure',
        'PrepareDataset',
        'PublishModel',
        'TrainCandidates',
        'TrainingFailed',
        'TrainingFailedUndescribed',
        'ValidateInput',
      ].sort(),
    );
  });

  it('takes the run id from the execution name', () => {
    expect(definition.States.ValidateInput.Parameters.Payload['runId.$']).toBe('$$.Execution.Name');
  });

  it('chains the main path', () => {
    expect(definition.States.ValidateInput.Next).toBe('PrepareDataset');
    expect(definition.States.PrepareDataset.Next).toBe('TrainCandidates');
    expect(definition.States.TrainCandidates.Next).toBe('PublishModel');
    expect(definition.States.PublishModel.End).toBe(true);
  });

  it('loops train chunks until done', () => {
    const processor = definition.States.TrainCandidates.ItemProcessor;
    expect(processor.StartAt).toBe('TrainChunk');
    expect(processor.States.TrainChunk.Next).toBe('TrainingDone?');
    const choice = processor.States['TrainingDone?'];
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([
      { Variable: '$.progress.done', BooleanEquals: true, Next: 'EvaluateCandidate' },
    ]);
    expect(choice.Default).toBe('TrainChunk');
    expect(processor.States.EvaluateCandidate.End).toBe(true);
  });

  it('maps over sweep candidates', () => {
    const map = definition.States.TrainCandidates;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.run.candidates');
    expect(map.ItemSelector['candidate.$']).toBe('$$.Map.Item.Value');
    expect(map.MaxConcurrency).toBeGreaterThan(1);
  });

  it('routes every failure to a described Fail state', () => {
    for (const name of ['ValidateInput', 'PrepareDataset', 'TrainCandidates', 'PublishModel']) {
      expect(definition.States[name].Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'DescribeFailure' },
      ]);
    }
    expect(definition.States.DescribeFailure.Next).toBe('TrainingFailed');
    expect(definition.States.TrainingFailed).toEqual({
      Type: 'Fail',
      ErrorPath: '$.failure.error',
      CausePath: '$.failure.cause',
    });
  });

  it('uses the standard Lambda invoke result', () => {
    const tasks = allStates(definition).filter((state: any) => state.Type === 'Task');
    expect(tasks.length).toBe(6);
    for (const task of tasks) {
      expect(task.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(task.TimeoutSeconds).toBeGreaterThan(0);
      expect(task.Parameters.FunctionName).toMatch(/^arn:aws:lambda:/);
    }
  });

  it('narrows every Lambda result', () => {
    for (const task of allStates(definition).filter((state: any) => state.Type === 'Task')) {
      expect(task.ResultSelector ?? task.OutputPath).toBeDefined();
    }
  });
});

describe('backfill state machine', () => {
  it('lists images with a Distributed Map', () => {
    const definition = stateMachineDefinition(template, 'BackfillStateMachine');
    const map = definition.States[definition.StartAt];
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
    expect(map.ItemReader.Parameters.Prefix).toBe('images/');
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(BACKFILL_SIZING.itemsPerBatch);
    expect(map.ResultPath).toBeNull();
  });
});

describe('API', () => {
  function methods(): Array<{ method: string; path: string; props: any }> {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const pathOf = (ref: any): string => {
      if (ref['Fn::GetAtt']) return '';
      const resource = resources[ref.Ref] as TemplateResource;
      return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
    };
    return Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => {
      const props = (m as TemplateResource).Properties;
      return { method: props.HttpMethod, path: pathOf(props.ResourceId), props };
    });
  }

  it('exposes the three routes', () => {
    const routes = methods()
      .map((m) => `${m.method} ${m.path}`)
      .sort();
    expect(routes).toEqual(['GET /models', 'POST /predict', 'PUT /models/current']);
  });

  it('requires an API key on every route', () => {
    for (const { props } of methods()) {
      expect(props.ApiKeyRequired).toBe(true);
      expect(props.Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('passes images as binary', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['image/*', 'application/octet-stream'],
    });
  });

  it('throttles per key and per stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 10, BurstLimit: 20 },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })],
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });

  it('answers API Gateway errors in JSON', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'DEFAULT_4XX',
    });
  });
});

describe('outputs', () => {
  it('names the outputs the CLI reads', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of [
      'BucketName',
      'ApiUrl',
      'ApiKeyId',
      'TrainingStateMachineArn',
      'BackfillStateMachineArn',
    ]) {
      expect(outputs).toContain(name);
    }
  });
});

function allStates(definition: any): any[] {
  const states: any[] = [];
  for (const state of Object.values<any>(definition.States)) {
    states.push(state);
    if (state.ItemProcessor) states.push(...allStates(state.ItemProcessor));
  }
  return states;
}
