import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './errors.js';

/** A response of the REST API: the status and the parsed JSON body. */
export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** Options for {@link ApiClient}. */
export interface ApiClientOptions {
  /** The invoke URL with a trailing slash, such as the `ApiUrl` output. */
  readonly apiUrl: string;
  readonly apiKey: string;
  /**
   * Retries of a throttled (429) request, with exponential backoff from 200 ms.
   * @default 6
   */
  readonly maxRetries?: number;
}

/** Calls the prediction and model registry API with the API key. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** Sends image bytes to `POST /predict`. */
  predict<T>(image: Uint8Array, contentType: string, query: Record<string, string> = {}) {
    return this.request<T>('POST', 'predict', { body: image, contentType, query });
  }

  /** Reads `GET /models`. */
  models<T>() {
    return this.request<T>('GET', 'models');
  }

  /** Moves the current model with `PUT /models/current`. */
  rollback<T>(version: string) {
    return this.request<T>('PUT', 'models/current', {
      body: Buffer.from(JSON.stringify({ version })),
      contentType: 'application/json',
    });
  }

  /**
   * Sends a request and returns the status and JSON body. Retries throttled requests.
   * Raises {@link CliError} when the API cannot be reached or its response is not JSON.
   */
  async request<T>(
    method: string,
    path: string,
    init: { body?: Uint8Array; contentType?: string; query?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(path, this.options.apiUrl);
    for (const [name, value] of Object.entries(init.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { 'x-api-key': this.options.apiKey };
    if (init.contentType) {
      headers['Content-Type'] = init.contentType;
    }

    const maxRetries = this.options.maxRetries ?? 6;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body: init.body });
      } catch (error) {
        throw new CliError(
          `cannot reach the API at ${this.options.apiUrl}: ${(error as Error).message}`,
          'Check that the stack is running (`npx vgg-probe status`).',
        );
      }
      if (response.status === 429 && attempt < maxRetries) {
        await response.arrayBuffer();
        await sleep(200 * 2 ** attempt);
        continue;
      }

      const text = await response.text();
      try {
        return { status: response.status, body: JSON.parse(text) as T };
      } catch {
        throw new CliError(
          `${method} ${url.pathname} returned ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        );
      }
    }
  }
}

/** Raises a CLI error for a non-2xx response, with the API's own message. */
export function expectOk<T>(response: ApiResponse<T>, what: string): T {
  if (response.status >= 200 && response.status < 300) {
    return response.body;
  }
  const message = (response.body as { message?: unknown } | null)?.message;
  const hint =
    response.status === 503
      ? 'No model is trained yet: run `npx vgg-probe train` first.'
      : response.status === 403
        ? 'The API key was rejected: check the stack (local: restart `npx vgg-probe local`).'
        : undefined;
  return raise(
    `${what} failed with HTTP ${response.status}: ${String(message ?? JSON.stringify(response.body))}`,
    hint,
  );
}

function raise(message: string, hint?: string): never {
  throw new CliError(message, hint);
}
