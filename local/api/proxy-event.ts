import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../runtime/lambda-context.js';
import type { RouteMatch } from './routes.js';

/** A request as the local HTTP server received it. */
export interface LocalRequest {
  readonly method: string;
  /** The path below the stage, for example `/predict`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names and values in the order received, names in their original case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Request context that the API adds to the request's content. */
export interface ProxyEventContext {
  readonly stageName: string;
  readonly binaryMediaTypes: readonly string[];
  readonly apiId: string;
  readonly requestId: string;
  /** The API key the request carried, when the route requires one. */
  readonly apiKey?: string;
  readonly apiKeyId?: string;
}

/**
 * Builds the Lambda proxy event (REST API, payload format 1.0) that API Gateway sends for
 * a request. A body whose Content-Type matches one of the binary media types arrives
 * base64-encoded with `isBase64Encoded: true`; any other body arrives as UTF-8 text.
 */
export function buildProxyEvent(
  request: LocalRequest,
  match: RouteMatch,
  context: ProxyEventContext,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
  const query = collectQuery(request.query);
  const contentType = headerValue(headers, 'content-type');
  const binary = isBinaryMediaType(contentType, context.binaryMediaTypes);
  const now = new Date();

  let body: string | null = null;
  if (request.body.length > 0) {
    body = binary ? request.body.toString('base64') : request.body.toString('utf8');
  }

  return {
    resource: match.route.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: match.pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: binary && body !== null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.apiId,
      authorizer: undefined,
      domainName: headerValue(headers, 'host') ?? '127.0.0.1',
      extendedRequestId: context.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: context.apiKey ?? null,
        apiKeyId: context.apiKeyId ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headerValue(headers, 'user-agent') ?? null,
        userArn: null,
      },
      path: `/${context.stageName}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: context.requestId,
      requestTime: formatRequestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: randomUUID().slice(0, 6),
      resourcePath: match.route.resourcePath,
      stage: context.stageName,
    },
  };
}

/** Tells whether a Content-Type matches a binary media type such as `image/*` or `*\/*`. */
export function isBinaryMediaType(
  contentType: string | undefined,
  binaryMediaTypes: readonly string[],
): boolean {
  if (!contentType) {
    return false;
  }
  const [type, subtype] = contentType.split(';')[0].trim().toLowerCase().split('/');
  return binaryMediaTypes.some((pattern) => {
    const [patternType, patternSubtype] = pattern.toLowerCase().split('/');
    return (
      (patternType === '*' || patternType === type) &&
      (patternSubtype === '*' || patternSubtype === subtype)
    );
  });
}

function collectHeaders(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};

  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index];
    const value = rawHeaders[index + 1];
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    const key = existing ?? name;
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function collectQuery(query: URLSearchParams) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  const empty = Object.keys(single).length === 0;
  return { single: empty ? null : single, multi: empty ? null : multi };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Formats a time as API Gateway's `requestTime`, for example `04/Dec/2025:16:20:01 +0000`. */
function formatRequestTime(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
