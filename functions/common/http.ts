import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** An error that becomes a JSON response with its status code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Builds a JSON response. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Builds the JSON response of an {@link HttpError}: `{"message": …, …details}`. */
export function errorResponse(error: HttpError): APIGatewayProxyResult {
  return jsonResponse(error.statusCode, { message: error.message, ...error.details });
}

/** Returns a header value, matching the name case-insensitively as HTTP requires. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const expected = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === expected && value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** Returns the media type of the request without parameters, lower case, or '' when absent. */
export function mediaType(event: APIGatewayProxyEvent): string {
  return (header(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** Returns the raw request body, decoded from base64 when API Gateway encoded it. */
export function bodyBytes(event: APIGatewayProxyEvent): Uint8Array {
  if (event.body === null || event.body === undefined) {
    return new Uint8Array(0);
  }
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
}

/** Parses the body as a JSON object or raises a 400 error. */
export function jsonBody(event: APIGatewayProxyEvent): Record<string, unknown> {
  const text = Buffer.from(bodyBytes(event)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
