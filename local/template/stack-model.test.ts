import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, TemplateError } from './cloudformation.js';
import { ruleMatches } from './queues.js';
import { readStackModel, type StackModel } from './stack-model.js';
import { synthesizeTestTemplate } from './test-stack.js';

describe('readStackModel', () => {
  let template: CfnTemplate;
  let model: StackModel;

  beforeAll(() => {
    template = synthesizeTestTemplate();
    model = readStackModel(template, { bucketName: 'local-bucket' });
  });

  it('lists functions with metadata only', () => {
    expect(model.functions.map((fn) => fn.name).sort()).toEqual([
      'extract',
      'predict',
      'record-failure',
      'step',
    ]);
  });

  it('reads timeouts and resolved environment', () => {
    const step = model.functions.find((fn) => fn.name === 'step')!;

    expect(step.timeoutSeconds).toBe(900);
    expect(step.environment).toEqual({ SHARED: 'yes', ONLY_STEP: 'step' });
  });

  it('resolves Lambda ARNs in the definition', () => {
    const step = model.trainingStateMachine.definition.States.Step as {
      Resource: string;
      Parameters: { FunctionName: string };
    };

    expect(step.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(step.Parameters.FunctionName).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:step',
    );
  });

  it('reads the API routes and stage', () => {
    const routes = model.api.routes.map((route) => `${route.httpMethod} ${route.resourcePath}`);

    expect(routes.sort()).toEqual(['GET /models', 'POST /predict', 'PUT /models/current']);
    expect(model.api.stageName).toBe('v1');
    expect(model.api.binaryMediaTypes).toEqual(['image/*']);
    expect(model.api.routes.every((route) => route.apiKeyRequired)).toBe(true);
    expect(model.api.throttle).toEqual({ rateLimit: 50, burstLimit: 100 });
  });

  it('links the upload queue to its consumer', () => {
    const uploads = model.queues.find((queue) => queue.notificationRules.length > 0)!;

    expect(uploads.consumer?.functionName).toBe('extract');
    expect(uploads.consumer?.batchSize).toBe(3);
    expect(uploads.consumer?.reportBatchItemFailures).toBe(true);
    expect(uploads.maxReceiveCount).toBe(2);
  });

  it('links the dead-letter queue to its consumer', () => {
    const uploads = model.queues.find((queue) => queue.notificationRules.length > 0)!;
    const deadLetters = model.queues.find(
      (queue) => queue.logicalId === uploads.deadLetterQueueLogicalId,
    )!;

    expect(deadLetters.consumer?.functionName).toBe('record-failure');
  });

  it('chains the dead-letter queue to a queue without consumer', () => {
    const deadLetters = model.queues.find((queue) => queue.consumer?.functionName === 'record-failure')!;
    const last = model.queues.find((queue) => queue.logicalId === deadLetters.deadLetterQueueLogicalId);

    expect(deadLetters.maxReceiveCount).toBe(2);
    expect(last?.logicalId).toMatch(/^UnrecordedFailures/);
    expect(last?.consumer).toBeUndefined();
    expect(last?.deadLetterQueueLogicalId).toBeUndefined();
  });

  it('rejects a redrive to a queue outside the template', () => {
    const resources = structuredClone(template.Resources) as Record<string, any>;
    const deadLetters = model.queues.find((queue) => queue.consumer?.functionName === 'record-failure')!;
    resources[deadLetters.logicalId].Properties.RedrivePolicy.deadLetterTargetArn =
      'arn:aws:sqs:us-east-1:123456789012:elsewhere';
    const read = () => readStackModel({ ...template, Resources: resources }, { bucketName: 'b' });

    expect(read).toThrow(TemplateError);
    expect(read).toThrow(/redrive policy of queue DeadLetters/);
  });

  it('matches notification rules on event and prefix', () => {
    const rules = model.queues.flatMap((queue) => queue.notificationRules);
    const matches = (eventName: string, key: string) =>
      rules.some((rule) => ruleMatches(rule, eventName, key));

    expect(matches('ObjectCreated:Put', 'images/cats/a.jpg')).toBe(true);
    expect(matches('ObjectRemoved:Delete', 'images/cats/a.jpg')).toBe(true);
    expect(matches('ObjectCreated:Copy', 'images/cats/a.jpg')).toBe(false);
    expect(matches('ObjectCreated:Put', 'features/x.f32')).toBe(false);
  });
});
