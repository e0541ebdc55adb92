import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { S3Event, S3EventRecord } from 'aws-lambda';
// @ts-expect-error s3rver ships no type declarations.
import S3rver from '@20minutes/s3rver';
import { installCompleteBodyCheck } from './s3-complete-body.js';
import { installRequestEventFixes } from './s3-request-events.js';

/** Options for {@link startLocalS3}. */
export interface LocalS3Options {
  /** Folder where the server stores buckets and objects; created when missing. */
  readonly directory: string;
  /** Bucket to create when it does not exist yet. */
  readonly bucket: string;
  /** @default 0, any free port */
  readonly port?: number;
  /**
   * Receives every object-created and object-removed notification, with object keys
   * URL-encoded as S3 encodes them in event notifications.
   */
  readonly onEvent?: (record: S3EventRecord) => void;
}

/** A running local S3 server. */
export interface LocalS3 {
  /** Endpoint URL on 127.0.0.1, for example `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly port: number;
  close(): Promise<void>;
  /** Stops the server at once, cutting open connections and requests in flight, as a crash does. */
  abort(): Promise<void>;
}

/**
 * Encodes an object key the way S3 does in event notifications: form-style URL
 * encoding (a space becomes `+`) with the `/` separators kept.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/**
 * Starts an S3-compatible server (s3rver) on 127.0.0.1 and creates the bucket.
 *
 * s3rver puts raw keys into its notifications, reports a completed multipart upload
 * as `ObjectCreated:Post`, reports nothing for a multi-object delete and omits the ETag
 * of a copy. This wrapper encodes the keys as S3 does, so that the handlers' decoding
 * runs locally too, and reports multipart uploads and multi-object deletes as S3 does
 * (see `s3-request-events.ts`). Copies still arrive without an ETag. A PUT whose body
 * arrives incomplete stores nothing, as in S3 (see `s3-complete-body.ts`).
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });

  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket }],
  });
  installCompleteBodyCheck(server);

  if (options.onEvent) {
    const onEvent = options.onEvent;
    const deliver = (record: S3EventRecord) => {
      record.s3.object.key = encodeEventKey(record.s3.object.key);
      onEvent(record);
    };
    const correct = installRequestEventFixes(server, deliver);
    server.on('event', (event: S3Event) => {
      for (const record of event.Records) {
        deliver(correct(record));
      }
    });
  }

  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: options.bucket,
    port: address.port,
    close: async () => {
      await server.close();
    },
    abort: async () => {
      const closing = server.close();
      (server.httpServer as import('node:http').Server | undefined)?.closeAllConnections();
      await closing;
    },
  };
}
