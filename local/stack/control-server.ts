import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStateMachine } from '../stepfunctions/local-state-machine.js';
import { handleSfnRequest } from '../stepfunctions/sfn-api.js';

/** Options for {@link startControlServer}. */
export interface ControlServerOptions {
  readonly stateMachines: readonly LocalStateMachine[];
  /** Returns what `GET /local/status` reports. */
  readonly status: () => Record<string, unknown>;
  /** @default 0, any free port */
  readonly port?: number;
  /** Receives an entry for each request that failed. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** A running control server. */
export interface ControlServer {
  /** The endpoint for `SFNClient`, for example `http://127.0.0.1:40125`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts the local stack's control server on 127.0.0.1: the Step Functions API (AWS JSON
 * 1.0, selected by the `X-Amz-Target` header) for the CLI's `SFNClient`, and
 * `GET /local/status` with the queues and functions of the running stack.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const server = createServer((request, response) => {
    const failed = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      options.log?.({
        level: 'ERROR',
        message: 'control request failed',
        url: request.url,
        error: message,
      });
      return json(500, { __type: 'InternalFailure', message });
    };
    void respond(request)
      .catch(failed)
      .then(({ statusCode, contentType, body }) => {
        response.writeHead(statusCode, { 'Content-Type': contentType });
        response.end(JSON.stringify(body));
      });
  });

  async function respond(request: IncomingMessage) {
    const target = request.headers['x-amz-target'];
    if (request.method === 'POST' && typeof target === 'string') {
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse((await readText(request)) || '{}') as Record<string, unknown>;
      } catch {
        return json(400, { __type: 'SerializationException', message: 'the body is not JSON' });
      }
      const result = await handleSfnRequest(options.stateMachines, target, payload);
      return { ...json(result.statusCode, result.body), contentType: 'application/x-amz-json-1.0' };
    }

    await readText(request);
    if (request.method === 'GET' && request.url === '/local/status') {
      return json(200, options.status());
    }
    return json(404, {
      message: `${request.method} ${request.url} not found on the control server`,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function json(statusCode: number, body: unknown) {
  return { statusCode, contentType: 'application/json', body };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
