import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFunctions } from '../runtime/local-functions.js';
import type { TemplateApi } from '../template/api.js';
import { type LocalApi, startLocalApi } from './local-api-server.js';

const API_KEY = 'test-key-0123456789';

const api: TemplateApi = {
  stageName: 'prod',
  binaryMediaTypes: ['image/*'],
  gatewayResponses: [
    {
      responseType: 'REQUEST_TOO_LARGE',
      statusCode: 413,
      templates: { 'application/json': '{"message": "send large images by S3 key"}' },
      headers: {},
    },
    {
      responseType: 'DEFAULT_4XX',
      templates: { 'application/json': '{"error": $context.error.messageString}' },
      headers: { 'Access-Control-Allow-Origin': '*' },
    },
  ],
  routes: [
    {
      resourcePath: '/predict',
      httpMethod: 'POST',
      apiKeyRequired: true,
      authorizationType: 'NONE',
      functionName: 'echo',
    },
    {
      resourcePath: '/models',
      httpMethod: 'GET',
      apiKeyRequired: true,
      authorizationType: 'NONE',
      functionName: 'echo',
    },
    {
      resourcePath: '/models/current',
      httpMethod: 'PUT',
      apiKeyRequired: true,
      authorizationType: 'NONE',
      functionName: 'echo',
    },
    {
      resourcePath: '/models/{version}',
      httpMethod: 'GET',
      apiKeyRequired: true,
      authorizationType: 'NONE',
      functionName: 'echo',
    },
    {
      resourcePath: '/broken',
      httpMethod: 'GET',
      apiKeyRequired: false,
      authorizationType: 'NONE',
      functionName: 'broken',
    },
    {
      resourcePath: '/predict',
      httpMethod: 'OPTIONS',
      apiKeyRequired: false,
      authorizationType: 'NONE',
      mockResponse: { statusCode: 204, headers: { 'Access-Control-Allow-Origin': '*' } },
    },
  ],
};

describe('startLocalApi', () => {
  let server: LocalApi;
  const events: APIGatewayProxyEvent[] = [];

  beforeAll(async () => {
    const functions = new LocalFunctions(
      [
        { name: 'echo', timeoutSeconds: 5 },
        { name: 'broken', timeoutSeconds: 5 },
      ],
      async (name) =>
        name === 'broken'
          ? async () => ({ body: 'no status code' })
          : async (event) => {
              const proxy = event as APIGatewayProxyEvent;
              events.push(proxy);
              // Echoes the body bytes back as base64, the way a binary response is returned.
              const bytes = proxy.isBase64Encoded
                ? Buffer.from(proxy.body ?? '', 'base64')
                : Buffer.from(proxy.body ?? '', 'utf8');
              return {
                statusCode: 200,
                headers: { 'Content-Type': 'application/octet-stream' },
                body: bytes.toString('base64'),
                isBase64Encoded: true,
              };
            },
    );
    server = await startLocalApi({ api, functions, apiKey: API_KEY, apiKeyId: 'key-id' });
  });

  afterAll(async () => {
    await server.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(new URL(path, server.url), init);

  it('serves under the stage path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod\/$/);
  });

  it('passes a binary body byte for byte', async () => {
    const image = new Uint8Array(256).map((_, index) => index);
    const response = await call('predict?topK=2', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png', 'x-api-key': API_KEY },
      body: image,
    });

    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(image))).toBe(true);
    const event = events.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(event.queryStringParameters).toEqual({ topK: '2' });
    expect(event.resource).toBe('/predict');
    expect(event.requestContext.stage).toBe('prod');
  });

  it('passes a JSON body as text', async () => {
    await call('predict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-api-key': API_KEY },
      body: '{"s3Key":"images/cats/a b.jpg"}',
    });

    const event = events.at(-1)!;
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"s3Key":"images/cats/a b.jpg"}');
  });

  it('fills path parameters', async () => {
    await call('models/v%2042', { headers: { 'x-api-key': API_KEY } });

    expect(events.at(-1)!.pathParameters).toEqual({ version: 'v 42' });
    expect(events.at(-1)!.resource).toBe('/models/{version}');
  });

  it('prefers a literal path segment', async () => {
    await call('models/current', { method: 'PUT', headers: { 'x-api-key': API_KEY }, body: '{}' });

    expect(events.at(-1)!.resource).toBe('/models/current');
    expect(events.at(-1)!.pathParameters).toBeNull();
  });

  it('rejects a missing API key', async () => {
    const response = await call('models');

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'Forbidden' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('rejects an unknown route', async () => {
    const response = await call('nowhere', { headers: { 'x-api-key': API_KEY } });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'Missing Authentication Token' });
  });

  it('answers a mock integration', async () => {
    const response = await call('predict', { method: 'OPTIONS' });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('turns a malformed result into 502', async () => {
    const response = await call('broken');

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it('rejects a body over 10 MB', async () => {
    const response = await call('predict', {
      method: 'POST',
      headers: { 'Content-Type': 'image/jpeg', 'x-api-key': API_KEY },
      body: new Uint8Array(10 * 1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'send large images by S3 key' });
  });
});
