import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDataset as packVectors,
  serializeModel,
  trainLinearProbe,
  type LinearModel,
} from '../shared/linear/index.js';
import { FeatureStore, ModelRegistry, type ModelMetricsDocument } from '../shared/store/index.js';
import { apiEvent } from './support/api-events.js';
import { startHandlerEnvironment, type HandlerEnvironment } from './support/handler-environment.js';
import { classImage } from './support/images.js';
import { lambdaContext } from './support/lambda-context.js';
import { drain, sqsEventOf } from './support/sqs-events.js';

let env: HandlerEnvironment;
let predictHandler: typeof import('../functions/predict/handler.js').handler;
let modelsHandler: typeof import('../functions/models/handler.js').handler;
let registry: ModelRegistry;
let warmPng: Buffer;
let model: LinearModel;

async function predict(
  options: Parameters<typeof apiEvent>[0],
): Promise<{ status: number; body: any }> {
  return parse(await predictHandler(apiEvent(options), lambdaContext('predict', 29_000)));
}

async function models(
  method: string,
  resource: string,
  body?: string,
): Promise<{ status: number; body: any }> {
  const headers = { 'Content-Type': 'application/json' };
  return parse(
    await modelsHandler(apiEvent({ method, resource, body, headers }), lambdaContext('models')),
  );
}

function parse(response: APIGatewayProxyResult): { status: number; body: any } {
  expect(response.headers?.['content-type']).toContain('application/json');
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

async function publish(version: string, trained: LinearModel): Promise<void> {
  const metrics: ModelMetricsDocument = {
    version,
    createdAt: new Date().toISOString(),
    loss: trained.loss.type,
    labels: trained.labels,
    backboneId: trained.backbone?.id ?? 'unknown',
    featureLayer: trained.backbone?.featureLayer ?? 'unknown',
    validation: { accuracy: trained.validation?.accuracy ?? 0 },
  };
  await registry.publish(version, {
    model: serializeModel(trained),
    metrics,
    reportHtml: '<html></html>',
  });
}

beforeAll(async () => {
  env = await startHandlerEnvironment();
  predictHandler = (await import('../functions/predict/handler.js')).handler;
  modelsHandler = (await import('../functions/models/handler.js')).handler;
  registry = new ModelRegistry(env.bucket.client, env.bucket.bucket);

  const extract = (await import('../functions/extract/handler.js')).handler;
  for (let i = 0; i < 10; i++) {
    for (const kind of ['warm', 'cool'] as const) {
      const Body = await classImage(kind, i);
      await env.bucket.client.send(
        new PutObjectCommand({ Bucket: env.bucket.bucket, Key: `images/${kind}/${i}.png`, Body }),
      );
    }
  }
  await extract(sqsEventOf(drain(env.bucket.events)), lambdaContext('extract'));
  warmPng = await classImage('warm', 3);

  const space = {
    backboneId: env.backbone.manifest.id,
    featureLayer: env.backbone.manifest.featureLayer,
  };
  const store = new FeatureStore(env.bucket.client, env.bucket.bucket, space);
  const samples = [];
  for await (const entry of store.listFeatures()) {
    samples.push({
      id: entry.imageKey,
      label: entry.imageKey.split('/')[1],
      features: (await store.getFeatures(entry.imageKey))!,
    });
  }
  const { dataset, labels } = packVectors(samples);
  model = await trainLinearProbe(
    {
      labels,
      backbone: { id: space.backboneId, featureLayer: space.featureLayer },
      l2Strength: 1e-3,
      minSamplesPerClass: 2,
    },
    {
      train: {
        dim: dataset.dim,
        batches: async function* () {
          yield dataset;
        },
      },
    },
  );
});

afterAll(async () => {
  await env.close();
});

describe('predict handler', () => {
  it('answers 503 before any model exists', async () => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(response.status).toBe(503);
    expect(response.body.message).toContain('no model is trained yet');
  });

  it('classifies raw image bytes', async () => {
    await publish('20250101T000000Z-first', model);
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(response.status).toBe(200);
    expect(response.body.label).toBe('warm');
    expect(response.body.modelVersion).toBe('20250101T000000Z-first');
    expect(response.body.scores.map((s: { label: string }) => s.label).sort()).toEqual([
      'cool',
      'warm',
    ]);
    expect(response.body.timings.totalMs).toBeGreaterThan(0);
    expect(response.body.backbone.untrained).toBe(true);
  });

  it('sorts class scores by decreasing score', async () => {
    const { body } = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(body.scores[0].score).toBeGreaterThanOrEqual(body.scores[1].score);
    expect(body.scores[0].label).toBe(body.topLabel);
  });

  it('gives the same scores for base64 JSON', async () => {
    const raw = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    const json = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ image: warmPng.toString('base64') }),
    });
    expect(json.status).toBe(200);
    expect(json.body.scores).toEqual(raw.body.scores);
  });

  it('reads an image by S3 key', async () => {
    const key = 'images/warm/3.png';
    const raw = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ s3Key: key }),
    });
    expect(response.status).toBe(200);
    expect(response.body.scores).toEqual(raw.body.scores);
  });

  it('limits the scores to topK', async () => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      query: { topK: '1' },
      body: warmPng,
    });
    expect(response.body.scores).toHaveLength(1);
  });

  it('rejects a label below minConfidence', async () => {
    const first = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(first.body.confidence).toBeLessThan(1);
    const minConfidence = String((first.body.confidence + 1) / 2);
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      query: { minConfidence },
      body: warmPng,
    });
    expect(response.body.label).toBeNull();
    expect(response.body.rejection).toBe('below-min-confidence');
  });

  it.each([
    [{ topK: '0' }, 'topK'],
    [{ minConfidence: '2' }, 'minConfidence'],
  ])('rejects query %j', async (query, name) => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      query,
      body: warmPng,
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(name);
  });

  it('answers 400 for bytes that are not an image', async () => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/jpeg' },
      body: new TextEncoder().encode('not a jpeg at all'),
    });
    expect(response.status).toBe(400);
    expect(response.body.reason).toBe('unsupported-format');
  });

  it('answers 415 for an unsupported type', async () => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
  });

  it('answers 413 above the payload limit', async () => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/jpeg' },
      body: new Uint8Array(4.5 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(response.body.limitBytes).toBe(4.5 * 1024 * 1024);
  });

  it.each([
    ['{"image": 12}', 400],
    ['{"image": "@@@"}', 400],
    ['{"s3Key": "models/current.json"}', 400],
    ['{"s3Key": "images/none/missing.png"}', 404],
    ['{"image": "a", "s3Key": "images/x"}', 400],
    ['not json', 400],
  ])('answers JSON body %s with %i', async (body, status) => {
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(status);
    expect(typeof response.body.message).toBe('string');
  });

  it('answers 405 for GET', async () => {
    const response = await predict({ method: 'GET', resource: '/predict' });
    expect(response.status).toBe(405);
  });

  it('refuses a model of another backbone', async () => {
    await publish('20250102T000000Z-other', {
      ...model,
      backbone: { id: 'resnet50', featureLayer: 'avg_pool' },
    });
    const response = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(response.status).toBe(503);
    expect(response.body.message).toContain('resnet50');
  });
});

describe('models handler', () => {
  it('lists versions with the current one', async () => {
    const response = await models('GET', '/models');
    expect(response.status).toBe(200);
    expect(response.body.current.version).toBe('20250102T000000Z-other');
    expect(response.body.versions.map((v: { version: string }) => v.version)).toEqual([
      '20250102T000000Z-other',
      '20250101T000000Z-first',
    ]);
  });

  it('rolls back, and predict follows at once', async () => {
    const response = await models(
      'PUT',
      '/models/current',
      JSON.stringify({ version: '20250101T000000Z-first' }),
    );
    expect(response.status).toBe(200);
    expect(response.body.current.previousVersion).toBe('20250102T000000Z-other');
    const prediction = await predict({
      method: 'POST',
      resource: '/predict',
      headers: { 'Content-Type': 'image/png' },
      body: warmPng,
    });
    expect(prediction.status).toBe(200);
    expect(prediction.body.modelVersion).toBe('20250101T000000Z-first');
  });

  it.each([
    ['{"version": "20990101T000000Z-none"}', 404],
    ['{"version": "../x"}', 400],
    ['{}', 400],
    ['nope', 400],
  ])('answers PUT body %s with %i', async (body, status) => {
    const response = await models('PUT', '/models/current', body);
    expect(response.status).toBe(status);
  });

  it('answers 404 for an unknown route', async () => {
    expect((await models('DELETE', '/models')).status).toBe(404);
  });
});
