import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FeatureStore, RETRYABLE_FAILURE_REASON } from '../shared/store/index.js';
import { startHandlerEnvironment, type HandlerEnvironment } from './support/handler-environment.js';
import { classImage } from './support/images.js';
import { lambdaContext } from './support/lambda-context.js';
import { drain, sqsEventOf, sqsRecord } from './support/sqs-events.js';

type Handlers = {
  extract: typeof import('../functions/extract/handler.js').handler;
  recordFailure: typeof import('../functions/record-failure/handler.js').handler;
  featureExtractor: typeof import('../functions/common/extractor.js').featureExtractor;
};

/** Stands in for the Powertools logger where the test loads the extractor itself. */
const silentLogger = { info: () => undefined, warn: () => undefined } as never;

let env: HandlerEnvironment;
let handlers: Handlers;
let store: FeatureStore;

async function upload(key: string, body: Uint8Array | string): Promise<void> {
  await env.bucket.client.send(
    new PutObjectCommand({ Bucket: env.bucket.bucket, Key: key, Body: body }),
  );
}

/** Sends every S3 event recorded since the last call through the extract handler. */
async function deliver(receiveCount = 1) {
  return handlers.extract(
    sqsEventOf(drain(env.bucket.events), receiveCount),
    lambdaContext('extract'),
  );
}

beforeAll(async () => {
  env = await startHandlerEnvironment();
  handlers = {
    extract: (await import('../functions/extract/handler.js')).handler,
    recordFailure: (await import('../functions/record-failure/handler.js')).handler,
    featureExtractor: (await import('../functions/common/extractor.js')).featureExtractor,
  };
  store = new FeatureStore(env.bucket.client, env.bucket.bucket, {
    backboneId: env.backbone.manifest.id,
    featureLayer: env.backbone.manifest.featureLayer,
  });
});

afterAll(async () => {
  await env.close();
});

describe('extract handler', () => {
  it('extracts an uploaded image', async () => {
    await upload('images/warm/a.png', await classImage('warm', 1));
    const response = await deliver();
    expect(response.batchItemFailures).toEqual([]);
    const vector = await store.getFeatures('images/warm/a.png');
    expect(vector?.length).toBeGreaterThan(0);
    expect((await store.storedOutputs('images/warm/a.png')).featuresEtag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('decodes keys with spaces and plus signs', async () => {
    await upload('images/warm/my photo+1.png', await classImage('warm', 2));
    const events = drain(env.bucket.events);
    expect(events.map((event) => event.s3.object.key)).toEqual(['images/warm/my+photo%2B1.png']);
    await handlers.extract(sqsEventOf(events), lambdaContext('extract'));
    expect(await store.getFeatures('images/warm/my photo+1.png')).toBeDefined();
  });

  it('does not extract an unchanged image twice', async () => {
    const extractor = await handlers.featureExtractor(silentLogger);
    const spy = vi.spyOn(extractor, 'extract');
    await upload('images/cool/b.png', await classImage('cool', 1));
    const first = drain(env.bucket.events);
    await handlers.extract(sqsEventOf(first), lambdaContext('extract'));
    await handlers.extract(sqsEventOf(first), lambdaContext('extract'));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('extracts an overwritten image again', async () => {
    const before = (await store.storedOutputs('images/cool/b.png')).featuresEtag;
    await upload('images/cool/b.png', await classImage('cool', 7));
    await deliver();
    const after = (await store.storedOutputs('images/cool/b.png')).featuresEtag;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('deletes features of a deleted image', async () => {
    await env.bucket.client.send(
      new DeleteObjectCommand({ Bucket: env.bucket.bucket, Key: 'images/cool/b.png' }),
    );
    await deliver();
    expect(await store.getFeatures('images/cool/b.png')).toBeUndefined();
  });

  it('records an undecodable image without retrying', async () => {
    await upload('images/cool/broken.jpg', 'this is not a JPEG');
    const response = await deliver();
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getError('images/cool/broken.jpg'))?.reason).toBe('unsupported-format');
  });

  it('records an unsafe label', async () => {
    await upload('images/bad label!/c.png', await classImage('cool', 3));
    await deliver();
    expect((await store.getError('images/bad label!/c.png'))?.reason).toBe('invalid-label');
  });

  it('accepts the S3 test event', async () => {
    const event = {
      Records: [sqsRecord(JSON.stringify({ Event: 's3:TestEvent', Bucket: env.bucket.bucket }))],
    };
    expect(await handlers.extract(event, lambdaContext('extract'))).toEqual({
      batchItemFailures: [],
    });
  });

  it('reports a transient failure for retry', async () => {
    const extractor = await handlers.featureExtractor(silentLogger);
    const spy = vi.spyOn(extractor, 'extract').mockRejectedValueOnce(new Error('simulated crash'));
    await upload('images/warm/retry.png', await classImage('warm', 4));
    const event = sqsEventOf(drain(env.bucket.events), 1);
    const response = await handlers.extract(event, lambdaContext('extract'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0].messageId }]);
    expect(await store.storedOutputs('images/warm/retry.png')).toEqual({});
    spy.mockRestore();
  });

  it('writes an error record on the last delivery', async () => {
    const extractor = await handlers.featureExtractor(silentLogger);
    const spy = vi.spyOn(extractor, 'extract').mockRejectedValueOnce(new Error('simulated crash'));
    await upload('images/warm/last.png', await classImage('warm', 5));
    const response = await deliver(3);
    expect(response.batchItemFailures).toEqual([]);
    const record = await store.getError('images/warm/last.png');
    expect(record?.reason).toBe(RETRYABLE_FAILURE_REASON);
    expect(record?.message).toContain('simulated crash');
    spy.mockRestore();
  });

  it('extracts a recorded failure on the next event', async () => {
    await handlers.extract(
      sqsEventOf([{ ...recordFor('images/warm/last.png') }]),
      lambdaContext('extract'),
    );
    expect(await store.getFeatures('images/warm/last.png')).toBeDefined();
    expect(await store.getError('images/warm/last.png')).toBeUndefined();
  });
});

describe('record-failure handler', () => {
  it('records images from dead letters', async () => {
    await upload('images/cool/dead.png', await classImage('cool', 9));
    const event = sqsEventOf(drain(env.bucket.events), 3);
    const response = await handlers.recordFailure(event, lambdaContext('record-failure'));
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getError('images/cool/dead.png'))?.reason).toBe(RETRYABLE_FAILURE_REASON);
  });
});

/** Builds an S3 event record for an existing key, as S3 sends it. */
function recordFor(key: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'test' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'test', 'x-amz-id-2': 'test' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'test',
      bucket: {
        name: env.bucket.bucket,
        ownerIdentity: { principalId: 'test' },
        arn: 'arn:aws:s3:::test',
      },
      object: { key: key.replace(/ /g, '+'), size: 1, eTag: 'x', sequencer: '0' },
    },
  };
}

describe('backfill-batch handler', () => {
  it('extracts listed images that have no features', async () => {
    const backfill = (await import('../functions/backfill-batch/handler.js')).handler;
    await upload('images/cool/old-1.png', await classImage('cool', 11));
    await upload('images/cool/old-2.png', await classImage('cool', 12));
    drain(env.bucket.events);

    const items = [];
    for await (const item of store.objects.list('images/cool/old-')) {
      items.push({ Key: item.key, Etag: `"${item.etag}"`, Size: item.size });
    }
    const result = await backfill({ Items: items }, lambdaContext('backfill-batch'));
    expect(result.extracted).toBe(2);
    expect(await store.getFeatures('images/cool/old-2.png')).toBeDefined();
  });

  it('skips images that are up to date', async () => {
    const backfill = (await import('../functions/backfill-batch/handler.js')).handler;
    const result = await backfill(
      {
        Items: [
          { Key: 'images/cool/old-1.png' },
          { Key: 'images/cool/broken.jpg' },
          { Key: 'images/cool/gone.png' },
        ],
      },
      lambdaContext('backfill-batch'),
    );
    expect(result).toEqual({
      extracted: 0,
      unchanged: 2,
      rejected: 0,
      deleted: 1,
      ignored: 0,
      failed: 0,
    });
  });
});
