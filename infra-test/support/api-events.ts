import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Options of {@link apiEvent}. */
export interface ApiEventOptions {
  readonly method: string;
  /** The API resource, for example `/predict`. */
  readonly resource: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** A text body, or bytes that are sent base64-encoded as for a binary media type. */
  readonly body?: string | Uint8Array;
}

/** Builds an API Gateway (REST, Lambda proxy) event as the deployed API sends it. */
export function apiEvent(options: ApiEventOptions): APIGatewayProxyEvent {
  const binary = options.body instanceof Uint8Array;
  let body: string | null = null;
  if (options.body instanceof Uint8Array) {
    body = Buffer.from(options.body).toString('base64');
  } else if (options.body !== undefined) {
    body = options.body;
  }
  return {
    resource: options.resource,
    path: options.resource,
    httpMethod: options.method,
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: options.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${options.resource}`,
      stage: 'v1',
      requestId: 'test',
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: options.resource,
    },
  };
}
