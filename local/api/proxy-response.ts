/** An HTTP response ready to write. */
export interface HttpResponse {
  readonly statusCode: number;
  /** Header name to its values; a header with several values is sent several times. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

/** Raised when a handler returns something that is not a Lambda proxy result. */
export class MalformedProxyResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedProxyResponseError';
  }
}

/**
 * Converts a handler's proxy result (`statusCode`, `headers`, `multiValueHeaders`,
 * `body`, `isBase64Encoded`) into the HTTP response API Gateway sends. A base64 body is
 * decoded to its bytes; a text body is sent as UTF-8. Raises
 * {@link MalformedProxyResponseError} for a result that API Gateway turns into a 502.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (result === null || typeof result !== 'object') {
    throw new MalformedProxyResponseError(`the handler returned ${JSON.stringify(result)}`);
  }
  const proxy = result as Record<string, unknown>;
  const statusCode = Number(proxy.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedProxyResponseError(`invalid statusCode ${JSON.stringify(proxy.statusCode)}`);
  }
  if (proxy.body !== undefined && proxy.body !== null && typeof proxy.body !== 'string') {
    throw new MalformedProxyResponseError('body must be a string; encode binary data as base64');
  }

  const headers: Record<string, string[]> = {};
  const add = (name: string, value: unknown) => {
    const key = Object.keys(headers).find(
      (existing) => existing.toLowerCase() === name.toLowerCase(),
    );
    (headers[key ?? name] ??= []).push(String(value));
  };
  for (const [name, values] of Object.entries((proxy.multiValueHeaders ?? {}) as object)) {
    for (const value of values as unknown[]) {
      add(name, value);
    }
  }
  for (const [name, value] of Object.entries((proxy.headers ?? {}) as object)) {
    const key = Object.keys(headers).find(
      (existing) => existing.toLowerCase() === name.toLowerCase(),
    );
    headers[key ?? name] = [String(value)];
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = ['application/json'];
  }

  const text = (proxy.body as string | undefined) ?? '';
  // NOTE: API Gateway may pass a base64 body on as text unless the request's Accept header
  // matches a binary media type. The local API always decodes it.
  const body =
    proxy.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, body };
}
