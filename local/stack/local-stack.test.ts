import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, S3Event, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../shared/backbone/layers-model-json.js';
import { createS3Client } from '../../shared/store/s3-client.js';
import { decodeEventKey } from '../queue/bucket-notifications.js';
import type { LambdaHandler } from '../runtime/local-functions.js';
import { synthesizeTestTemplate } from '../template/test-stack.js';
import type { UnrecordedFailures } from './local-queues.js';
import { type LocalStack, startLocalStack } from './local-stack.js';
import { writeManifestOnlyBackbone } from './manifest-only-backbone.js';

describe('startLocalStack', () => {
  let directory: string;
  let stack: LocalStack;
  const extracted: string[] = [];
  const deadLettered: string[] = [];
  const environmentSeen: Record<string, string | undefined> = {};

  const handlers: Record<string, LambdaHandler> = {
    extract: async (event) => {
      const failures: { itemIdentifier: string }[] = [];
      for (const record of (event as SQSEvent).Records) {
        const s3Event = JSON.parse(record.body) as S3Event;
        const key = decodeEventKey(s3Event.Records[0].s3.object.key);
        if (key.includes('poison')) {
          failures.push({ itemIdentifier: record.messageId });
        } else {
          extracted.push(`${s3Event.Records[0].eventName} ${key}`);
        }
      }
      environmentSeen.BUCKET_NAME = process.env.BUCKET_NAME;
      environmentSeen.S3_ENDPOINT = process.env.S3_ENDPOINT;
      return { batchItemFailures: failures };
    },
    'record-failure': async (event) => {
      const failures: { itemIdentifier: string }[] = [];
      for (const record of (event as SQSEvent).Records) {
        const key = decodeEventKey(JSON.parse(record.body).Records[0].s3.object.key);
        deadLettered.push(key);
        if (key.includes('unrecordable')) {
          failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    },
    step: async (event) => {
      const { count, runId } = event as { count?: number; runId: string };
      return { count: (count ?? 0) + 1, runId };
    },
    predict: async (event) => {
      const proxy = event as APIGatewayProxyEvent;
      return {
        statusCode: 200,
        body: JSON.stringify({ resource: proxy.resource, base64: proxy.isBase64Encoded }),
      };
    },
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-stack-'));
    stack = await startLocalStack({
      repoRoot: directory,
      dataDir: directory,
      template: synthesizeTestTemplate(),
      handlerLoader: async (name) => handlers[name],
      retryDelayMs: 10,
    });
  });

  afterAll(async () => {
    await stack.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('delivers uploads with decoded keys', async () => {
    const client = createS3Client({ endpoint: stack.info.s3Endpoint });
    await client.send(
      new PutObjectCommand({
        Bucket: stack.info.bucket,
        Key: 'images/cats/my cat (1).jpg',
        Body: 'x',
      }),
    );
    await client.send(
      new PutObjectCommand({ Bucket: stack.info.bucket, Key: 'other/skip.jpg', Body: 'x' }),
    );
    await stack.waitForQueues();

    expect(extracted).toEqual(['ObjectCreated:Put images/cats/my cat (1).jpg']);
  });

  it('sets the handler environment', () => {
    expect(environmentSeen.BUCKET_NAME).toBe(stack.info.bucket);
    expect(environmentSeen.S3_ENDPOINT).toBe(stack.info.s3Endpoint);
  });

  it('sends repeated failures to the dead-letter consumer', async () => {
    const client = createS3Client({ endpoint: stack.info.s3Endpoint });
    await client.send(
      new PutObjectCommand({ Bucket: stack.info.bucket, Key: 'images/cats/poison.jpg', Body: 'x' }),
    );
    await stack.waitForQueues();

    expect(deadLettered).toEqual(['images/cats/poison.jpg']);
  });

  it('moves unrecordable failures to the last queue', async () => {
    const key = 'images/cats/poison unrecordable.jpg';
    const client = createS3Client({ endpoint: stack.info.s3Endpoint });
    await client.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: 'x' }));
    await stack.waitForQueues();
    const response = await fetch(new URL('/local/status', stack.info.stepFunctionsEndpoint));
    const status = (await response.json()) as { unrecordedFailures?: UnrecordedFailures };

    expect(deadLettered.filter((deadLetteredKey) => deadLetteredKey === key)).toHaveLength(2);
    expect(stack.unrecordedFailureQueue?.messages()).toHaveLength(1);
    expect(status.unrecordedFailures?.queue).toBe(stack.unrecordedFailureQueue?.name);
    expect(status.unrecordedFailures?.messages).toBe(1);
    expect(status.unrecordedFailures?.imageKeys).toEqual([key]);
  });

  it('runs the state machine through the API', async () => {
    const client = new SFNClient({
      endpoint: stack.info.stepFunctionsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: stack.info.trainingStateMachineArn,
        name: 'run-1',
        input: '{"count":0}',
      }),
    );
    await stack.trainingStateMachine.wait(executionArn!);
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));

    expect(execution.cause).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ count: 3, runId: 'run-1', statusCode: 200 });
  });

  it('serves the API with the generated key', async () => {
    const response = await fetch(new URL('predict', stack.info.apiUrl), {
      method: 'POST',
      headers: { 'x-api-key': stack.info.apiKey, 'Content-Type': 'image/jpeg' },
      body: new Uint8Array([255, 216, 255]),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ resource: '/predict', base64: true });
  });

  it('reports no environment conflicts for shared values', () => {
    expect(stack.environmentConflicts).toEqual([]);
  });

  it('reports no backbone without a backbone folder', () => {
    expect(stack.info.backbone).toBeUndefined();
  });
});

describe('startLocalStack with a backbone folder', () => {
  let directory: string;
  let backboneDir: string;

  const start = (dir: string) =>
    startLocalStack({
      repoRoot: directory,
      dataDir: join(directory, 'data'),
      template: synthesizeTestTemplate(),
      handlerLoader: async () => async () => ({}),
      backboneDir: dir,
      featureLayer: 'block5_pool',
    });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-stack-'));
    backboneDir = await writeManifestOnlyBackbone(directory);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reports the backbone of its manifest', async () => {
    const stack = await start(backboneDir);
    await stack.close();

    expect(stack.info.backbone).toEqual({
      id: 'tiny-seeded',
      featureLayer: 'block5_pool',
      untrained: true,
      dir: backboneDir,
    });
  });

  it('rejects a folder without a backbone', async () => {
    const started = start(join(directory, 'missing'));

    await expect(started).rejects.toBeInstanceOf(ModelFormatError);
  });
});

describe('startLocalStack with sources declared first', () => {
  let directory: string;
  let stack: LocalStack;
  const deliveries: string[] = [];

  /** Fails every message, so that each one moves down the whole redrive chain. */
  const failAll = (name: string): LambdaHandler => async (event) => {
    const records = (event as SQSEvent).Records;
    deliveries.push(...records.map(() => name));
    return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) };
  };

  beforeAll(async () => {
    // Puts each queue before the queue its redrive policy names, the reverse of CDK's order.
    const template = synthesizeTestTemplate();
    const entries = Object.entries(template.Resources);
    const queues = entries.filter(([, resource]) => resource.Type === 'AWS::SQS::Queue').reverse();
    const others = entries.filter(([, resource]) => resource.Type !== 'AWS::SQS::Queue');
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-stack-'));
    stack = await startLocalStack({
      repoRoot: directory,
      dataDir: directory,
      template: { ...template, Resources: Object.fromEntries([...queues, ...others]) },
      handlerLoader: async (name) => failAll(name),
      retryDelayMs: 10,
    });
  });

  afterAll(async () => {
    await stack.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('follows the whole redrive chain', async () => {
    const client = createS3Client({ endpoint: stack.info.s3Endpoint });
    await client.send(
      new PutObjectCommand({ Bucket: stack.info.bucket, Key: 'images/cats/a.jpg', Body: 'x' }),
    );
    await stack.waitForQueues();

    expect(deliveries.filter((name) => name === 'extract')).toHaveLength(2);
    expect(deliveries.filter((name) => name === 'record-failure')).toHaveLength(2);
    expect(stack.unrecordedFailureQueue?.messages()).toHaveLength(1);
  });
});
