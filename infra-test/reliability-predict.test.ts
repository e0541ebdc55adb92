import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_MODEL_KEY } from '../shared/store/index.js';
import { classImage } from './support/images.js';
import { startReliabilityStack, type ReliabilityStack } from './reliability-stack.js';

/** A response of the local REST API: the status and the body parsed as JSON. */
interface JsonResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: { message?: string; [field: string]: unknown };
}

/**
 * Bad predict and rollback requests over real HTTP on the local stack: each gets a status
 * code and a JSON body whose message names the problem.
 */
describe('predict API bad input', () => {
  let env: ReliabilityStack;
  let image: Buffer;
  let version: string;

  beforeAll(async () => {
    env = await startReliabilityStack({ name: 'predict' });
    image = await classImage('warm', 99);
  });

  afterAll(async () => {
    await env?.close();
  });

  const request = async (
    method: string,
    path: string,
    body?: Uint8Array | string,
    contentType?: string,
  ): Promise<JsonResponse> => {
    const headers: Record<string, string> = { 'x-api-key': env.stack.info.apiKey };
    if (contentType) headers['content-type'] = contentType;
    const response = await fetch(new URL(path, env.stack.info.apiUrl), { method, headers, body });
    const text = await response.text();
    let parsed: JsonResponse['body'];
    try {
      parsed = JSON.parse(text) as JsonResponse['body'];
    } catch {
      throw new Error(`${method} ${path} returned ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return { status: response.status, contentType: response.headers.get('content-type'), body: parsed };
  };

  const predictJson = (body: unknown) =>
    request('POST', 'predict', JSON.stringify(body), 'application/json');

  it('answers 503 without a trained model', async () => {
    const response = await request('POST', 'predict', image, 'image/png');

    expect(response.status).toBe(503);
    expect(response.body.message).toMatch(/no model is trained yet/);
  });

  it('trains a model to serve', async () => {
    for (let i = 0; i < 12; i++) {
      await env.put(`images/warm/w-${i}.png`, await classImage('warm', i));
      await env.put(`images/cool/c-${i}.png`, await classImage('cool', i));
    }
    await env.drain();
    const record = await env.train({ loss: 'softmax', epochs: 10 }, 'predict-model');
    expect(record.status).toBe('SUCCEEDED');
    version = (JSON.parse(record.output!) as { version: string }).version;

    const response = await request('POST', 'predict', image, 'image/png');
    expect(response.status).toBe(200);
    expect(response.body.modelVersion).toBe(version);
  });

  it('rejects an empty body', async () => {
    const response = await request('POST', 'predict', new Uint8Array(0), 'image/jpeg');

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/no image/);
  });

  it('rejects invalid base64', async () => {
    const response = await predictJson({ image: 'not base64 at all!' });

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/not valid base64/);
  });

  it('rejects base64 of non-image bytes', async () => {
    const response = await predictJson({ image: Buffer.from('plain words').toString('base64') });

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/invalid image/);
    expect(response.body.reason).toBe('unsupported-format');
  });

  it('rejects a 20 MB body', async () => {
    const response = await request('POST', 'predict', Buffer.alloc(20 * 1024 * 1024, 1), 'image/jpeg');

    expect(response.status).toBe(413);
    expect(response.contentType).toMatch(/application\/json/);
    expect(response.body.message).toMatch(/too long|too large/i);
  });

  it('rejects text/plain', async () => {
    const response = await request('POST', 'predict', 'hello', 'text/plain');

    expect(response.status).toBe(415);
    expect(response.body.message).toContain('text/plain');
  });

  it('rejects an s3Key outside images/', async () => {
    const response = await predictJson({ s3Key: 'models/current.json' });

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/must name an object under images\//);
  });

  it('rejects an s3Key that climbs out of images/', async () => {
    const response = await predictJson({ s3Key: 'images/../models/current.json' });

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/must name an object under images\//);
  });

  it('answers 404 for a missing s3Key', async () => {
    const response = await predictJson({ s3Key: 'images/warm/missing.png' });

    expect(response.status).toBe(404);
    expect(response.body.message).toContain('images/warm/missing.png');
  });

  it('predicts from an existing s3Key', async () => {
    const response = await predictJson({ s3Key: 'images/warm/w-0.png' });

    expect(response.status).toBe(200);
    expect(response.body.label).toBe('warm');
  });

  it('rejects a rollback to a missing version', async () => {
    const response = await request(
      'PUT',
      'models/current',
      JSON.stringify({ version: '20000101T000000Z-nothing' }),
      'application/json',
    );

    expect(response.status).toBe(404);
    expect(response.body.message).toContain('20000101T000000Z-nothing');
  });

  it('keeps serving after a failed rollback', async () => {
    const response = await request('POST', 'predict', image, 'image/png');

    expect(response.status).toBe(200);
    expect(response.body.modelVersion).toBe(version);
  });

  it('answers 503 for a missing current model', async () => {
    // A pointer moved by hand (or a version deleted) names a model that is not there.
    const current = await env.objects.getBytes(CURRENT_MODEL_KEY);
    await env.objects.putJson(CURRENT_MODEL_KEY, {
      version: '20000101T000000Z-deleted',
      updatedAt: new Date().toISOString(),
    });
    try {
      const response = await request('POST', 'predict', image, 'image/png');

      expect(response.status).toBe(503);
      expect(response.body.message).toContain('20000101T000000Z-deleted');
    } finally {
      await env.objects.putBytes(CURRENT_MODEL_KEY, current!.bytes, {
        contentType: 'application/json',
      });
    }
  });
});
