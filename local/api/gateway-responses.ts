import type { TemplateGatewayResponse } from '../template/api.js';
import type { HttpResponse } from './proxy-response.js';

/** The gateway response types that the local API produces. */
export type GatewayResponseType =
  | 'ACCESS_DENIED'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'REQUEST_TOO_LARGE'
  | 'THROTTLED';

/** API Gateway's built-in status and message for each type. */
const BUILT_IN: Record<
  GatewayResponseType,
  { statusCode: number; message: string; errorType: string }
> = {
  ACCESS_DENIED: { statusCode: 403, message: 'Forbidden', errorType: 'AccessDeniedException' },
  DEFAULT_4XX: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  DEFAULT_5XX: {
    statusCode: 502,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
  INTEGRATION_TIMEOUT: {
    statusCode: 504,
    message: 'Endpoint request timed out',
    errorType: 'IntegrationTimeoutException',
  },
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  },
  // NOTE: this message, and this response for an event over Lambda's 6 MB payload limit,
  // are not verified against AWS.
  REQUEST_TOO_LARGE: {
    statusCode: 413,
    message: 'Request Too Long',
    errorType: 'RequestTooLongException',
  },
  THROTTLED: {
    statusCode: 429,
    message: 'Too Many Requests',
    errorType: 'TooManyRequestsException',
  },
};

/**
 * Builds API Gateway's own error response of a type: the template's customized response
 * for that type, else its `DEFAULT_4XX` or `DEFAULT_5XX`, else the built-in JSON
 * `{"message": …}`. Mapping templates may use `$context.error.messageString` (the message
 * as a quoted JSON string) and `$context.error.message`.
 */
export function gatewayResponse(
  type: GatewayResponseType,
  customized: readonly TemplateGatewayResponse[] = [],
  message?: string,
): HttpResponse {
  const builtIn = BUILT_IN[type];
  const text = message ?? builtIn.message;
  const fallback = builtIn.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const custom =
    customized.find((response) => response.responseType === type) ??
    customized.find((response) => response.responseType === fallback);

  const template = custom?.templates['application/json'];
  const body =
    template === undefined
      ? JSON.stringify({ message: text })
      : template
          .replace(/\$context\.error\.messageString/g, JSON.stringify(text))
          .replace(/\$context\.error\.message/g, text);

  const headers: Record<string, string[]> = {
    'Content-Type': ['application/json'],
    'x-amzn-ErrorType': [builtIn.errorType],
  };
  for (const [name, value] of Object.entries(custom?.headers ?? {})) {
    headers[name] = [value];
  }
  return { statusCode: custom?.statusCode ?? builtIn.statusCode, headers, body: Buffer.from(body) };
}
