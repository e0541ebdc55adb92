import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';

/** The part of s3rver's Koa application and context that this fix uses. */
interface KoaApplication {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
}

interface KoaContext {
  method: string;
  req: IncomingMessage;
  status: number;
  body: unknown;
}

/**
 * Makes s3rver store a PUT body only when it arrived complete, as S3 does.
 *
 * s3rver streams a PUT body straight into the object's file. When the client disconnects
 * mid-upload (Ctrl-C, a crash), it keeps the truncated bytes as the object, replacing any
 * previous version, and sends no notification. S3 instead rejects the request and keeps
 * the previous object. This middleware reads the whole body first, drops the request when
 * the body is incomplete, and hands s3rver a stream of the complete body otherwise.
 *
 * Installs a middleware just before s3rver's router, so it must run before the server starts.
 */
export function installCompleteBodyCheck(server: unknown): void {
  const app = server as KoaApplication;
  const middleware = async (ctx: KoaContext, next: () => Promise<void>) => {
    if (ctx.method !== 'PUT') {
      return next();
    }
    const body = await readCompleteBody(ctx.req);
    if (body === undefined) {
      // The client is gone, so no one reads this response, and nothing is stored.
      ctx.status = 400;
      ctx.body = '';
      return;
    }
    ctx.req = replayBody(ctx.req, body);
    return next();
  };
  // The router is the last middleware s3rver installs.
  app.middleware.splice(app.middleware.length - 1, 0, middleware);
}

/** Reads a request body, or returns undefined when the client disconnected before its end. */
async function readCompleteBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
  } catch {
    return undefined;
  }
  return request.complete ? Buffer.concat(chunks) : undefined;
}

/** Returns a stream of `body` that carries the request's headers, URL and method. */
function replayBody(request: IncomingMessage, body: Buffer): IncomingMessage {
  const stream = new PassThrough();
  stream.end(body);
  return Object.assign(stream, {
    headers: request.headers,
    url: request.url,
    method: request.method,
  }) as unknown as IncomingMessage;
}
