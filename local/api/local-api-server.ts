import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalFunctions } from '../runtime/local-functions.js';
import type { TemplateApi } from '../template/api.js';
import { buildProxyEvent, type LocalRequest } from './proxy-event.js';
import { gatewayResponse, type GatewayResponseType } from './gateway-responses.js';
import {
  type HttpResponse,
  MalformedProxyResponseError,
  toHttpResponse,
} from './proxy-response.js';
import { matchRoute } from './routes.js';
import { TokenBucket } from './throttle.js';

/** API Gateway's maximum request body, in bytes (10 MB). */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Lambda's maximum synchronous invocation payload, in bytes. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Options for {@link startLocalApi}. */
export interface LocalApiOptions {
  readonly api: TemplateApi;
  readonly functions: LocalFunctions;
  /** The key that routes with `ApiKeyRequired` accept in the `x-api-key` header. */
  readonly apiKey: string;
  readonly apiKeyId: string;
  /** @default 0, any free port */
  readonly port?: number;
  /** Receives one access log entry per request. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** A running local REST API. */
export interface LocalApi {
  /** The invoke URL with the stage and a trailing slash, like the `ApiUrl` output. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the stack's REST API on 127.0.0.1 with API Gateway's request and response
 * contract: Lambda proxy events, API keys in `x-api-key`, the usage plan's throttling,
 * binary bodies passed through byte for byte, and API Gateway's own JSON errors.
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const apiId = 'local';
  const throttle = options.api.throttle
    ? new TokenBucket(options.api.throttle.rateLimit, options.api.throttle.burstLimit)
    : undefined;

  const gatewayError = (type: GatewayResponseType, message?: string) =>
    gatewayResponse(type, options.api.gatewayResponses, message);

  const server = createServer((request, response) => {
    const started = Date.now();
    const requestId = randomUUID();
    void handle(request, requestId)
      .catch((error: unknown) => {
        options.log?.({
          level: 'ERROR',
          message: 'request failed',
          requestId,
          error: String(error),
        });
        return gatewayError('DEFAULT_5XX');
      })
      .then((result) => {
        writeResponse(response, result, requestId);
        options.log?.({
          level: 'INFO',
          message: 'request',
          requestId,
          httpMethod: request.method,
          path: request.url,
          status: result.statusCode,
          responseLength: result.body.length,
          durationMs: Date.now() - started,
        });
      });
  });

  async function handle(request: IncomingMessage, requestId: string): Promise<HttpResponse> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const stagePrefix = `/${options.api.stageName}`;
    if (url.pathname !== stagePrefix && !url.pathname.startsWith(`${stagePrefix}/`)) {
      return gatewayError('DEFAULT_4XX');
    }

    const body = await readBody(request);
    if (body === undefined) {
      return gatewayError('REQUEST_TOO_LARGE');
    }

    const method = (request.method ?? 'GET').toUpperCase();
    const path = url.pathname.slice(stagePrefix.length) || '/';
    const lookup = matchRoute(options.api.routes, method, path);
    if (!lookup.found) {
      return gatewayError('MISSING_AUTHENTICATION_TOKEN');
    }
    const { route } = lookup.match;

    if (route.mockResponse) {
      return {
        statusCode: route.mockResponse.statusCode,
        headers: Object.fromEntries(
          Object.entries(route.mockResponse.headers).map(([name, value]) => [name, [value]]),
        ),
        body: Buffer.alloc(0),
      };
    }
    if (route.authorizationType !== 'NONE') {
      return gatewayError(
        'ACCESS_DENIED',
        `authorization type ${route.authorizationType} is not supported by the local API`,
      );
    }
    const apiKey = request.headers['x-api-key'];
    if (route.apiKeyRequired && apiKey !== options.apiKey) {
      return gatewayError('INVALID_API_KEY');
    }
    if (throttle && !throttle.take()) {
      return gatewayError('THROTTLED');
    }

    // NOTE: the template's request validators and body models are not applied locally, so a
    // body that API Gateway would reject with 400 reaches the handler, which checks it too.
    const localRequest: LocalRequest = {
      method,
      path,
      query: url.searchParams,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    };
    const event = buildProxyEvent(localRequest, lookup.match, {
      stageName: options.api.stageName,
      binaryMediaTypes: options.api.binaryMediaTypes,
      apiId,
      requestId,
      apiKey: route.apiKeyRequired ? options.apiKey : undefined,
      apiKeyId: route.apiKeyRequired ? options.apiKeyId : undefined,
    });
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES) {
      return gatewayError('REQUEST_TOO_LARGE');
    }

    return invoke(route.functionName!, event, requestId);
  }

  async function invoke(functionName: string, event: unknown, requestId: string) {
    const result = await options.functions.invoke(functionName, event);
    if (!result.ok) {
      options.log?.({
        level: 'ERROR',
        message: 'handler failed',
        requestId,
        functionName,
        errorType: result.error.errorType,
        errorMessage: result.error.errorMessage,
      });
      return gatewayError(
        result.error.errorType === 'Sandbox.Timedout' ? 'INTEGRATION_TIMEOUT' : 'DEFAULT_5XX',
      );
    }

    try {
      return toHttpResponse(result.payload);
    } catch (error) {
      if (!(error instanceof MalformedProxyResponseError)) {
        throw error;
      }
      options.log?.({
        level: 'ERROR',
        message: 'malformed Lambda proxy response',
        requestId,
        error: error.message,
      });
      return gatewayError('DEFAULT_5XX');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/${options.api.stageName}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Reads the request body, or returns undefined once it exceeds {@link MAX_REQUEST_BYTES}.
 * An oversized body is still read to its end, so that the connection can carry the 413.
 */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function writeResponse(response: ServerResponse, result: HttpResponse, requestId: string): void {
  response.statusCode = result.statusCode;
  for (const [name, values] of Object.entries(result.headers)) {
    response.setHeader(name, values.length === 1 ? values[0] : values);
  }
  response.setHeader('x-amzn-RequestId', requestId);
  response.setHeader('x-amz-apigw-id', requestId.slice(0, 16));
  response.end(result.body);
}
