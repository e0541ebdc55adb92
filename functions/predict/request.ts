import type { APIGatewayProxyEvent } from 'aws-lambda';
import { bodyBytes, HttpError, jsonBody, mediaType } from '../common/http.js';

/**
 * Largest image accepted in the request body, in bytes. A synchronous Lambda invocation
 * carries at most 6 MB (6,291,456 bytes) of event JSON. API Gateway passes binary bodies
 * base64-encoded (4 bytes per 3), so about 4.7 MB of image fit, and 4.5 MiB leaves room
 * for the headers in the event. API Gateway's own limit is 10 MB. Larger images go
 * through S3: upload under images/ and send `{"s3Key": …}`.
 */
export const MAX_INLINE_IMAGE_BYTES = 4.5 * 1024 * 1024;

/** A parsed POST /predict request. */
export interface PredictRequest {
  readonly image: { readonly bytes: Uint8Array } | { readonly s3Key: string };
  readonly topK?: number;
  readonly minConfidence?: number;
}

/**
 * Parses POST /predict: raw image bytes (`Content-Type: image/*` or
 * `application/octet-stream`), or JSON `{"image": "<base64>"}` or `{"s3Key": "images/…"}`,
 * with the query parameters `topK` and `minConfidence`.
 */
export function parsePredictRequest(event: APIGatewayProxyEvent): PredictRequest {
  const query = event.queryStringParameters ?? {};
  const topK = optionalNumber(
    query.topK,
    'topK',
    (n) => Number.isInteger(n) && n >= 1,
    'an integer of at least 1',
  );
  const minConfidence = optionalNumber(
    query.minConfidence,
    'minConfidence',
    (n) => n >= 0 && n <= 1,
    'a number in [0, 1]',
  );
  return { image: parseImage(event), topK, minConfidence };
}

function parseImage(event: APIGatewayProxyEvent): PredictRequest['image'] {
  const type = mediaType(event);
  if (type.startsWith('image/') || type === 'application/octet-stream') {
    return { bytes: checkInlineSize(bodyBytes(event)) };
  }
  if (type === 'application/json') {
    return parseJsonImage(jsonBody(event));
  }
  throw new HttpError(
    415,
    `unsupported Content-Type ${JSON.stringify(type || '(none)')}: send the image bytes as image/* or ` +
      'application/octet-stream, or JSON {"image": "<base64>"} or {"s3Key": "images/…"}',
  );
}

function parseJsonImage(body: Record<string, unknown>): PredictRequest['image'] {
  const fields = Object.keys(body);
  if (fields.length !== 1 || !['image', 's3Key'].includes(fields[0])) {
    throw new HttpError(
      400,
      'the JSON body must have exactly one field, "image" (base64) or "s3Key"',
    );
  }
  if (typeof body.s3Key === 'string') {
    const key = body.s3Key;
    if (!key.startsWith('images/') || key.split('/').includes('..') || key.endsWith('/')) {
      throw new HttpError(400, `s3Key ${JSON.stringify(key)} must name an object under images/`);
    }
    return { s3Key: key };
  }
  if (typeof body.image !== 'string' || body.image.length === 0) {
    throw new HttpError(400, '"image" must be a non-empty base64 string');
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body.image.replace(/\s+/g, ''))) {
    throw new HttpError(400, '"image" is not valid base64');
  }
  return { bytes: checkInlineSize(Buffer.from(body.image, 'base64')) };
}

function checkInlineSize(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) {
    throw new HttpError(400, 'the request has no image: send the image bytes in the body');
  }
  if (bytes.length > MAX_INLINE_IMAGE_BYTES) {
    throw new HttpError(
      413,
      `the image has ${bytes.length} bytes; requests carry at most ${MAX_INLINE_IMAGE_BYTES} bytes of image ` +
        '(the Lambda payload limit of 6 MB after base64 encoding); upload it under images/ and send {"s3Key": …}',
      { limitBytes: MAX_INLINE_IMAGE_BYTES },
    );
  }
  return bytes;
}

function optionalNumber(
  raw: string | undefined,
  name: string,
  valid: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) {
    throw new HttpError(400, `invalid ${name} ${JSON.stringify(raw)}: use ${expected}`);
  }
  return value;
}
