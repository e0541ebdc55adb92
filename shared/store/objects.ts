import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CorruptObjectError } from './errors.js';

/** Bucket-bound helpers over the S3 calls the store makes. */
export class BucketObjects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** Returns the object's metadata, or undefined when it does not exist. */
  async head(key: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Returns the object's bytes and metadata, or undefined when it does not exist. */
  async getBytes(
    key: string,
    options: { ifMatch?: string } = {},
  ): Promise<StoredBytes | undefined> {
    try {
      const output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: options.ifMatch }),
      );
      const bytes = await output.Body!.transformToByteArray();
      return {
        bytes,
        etag: normalizeEtag(output.ETag),
        metadata: output.Metadata ?? {},
        contentType: output.ContentType,
      };
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Parses the object as JSON; undefined when it does not exist. */
  async getJson<T>(key: string): Promise<T | undefined> {
    const stored = await this.getBytes(key);
    if (stored === undefined) {
      return undefined;
    }
    try {
      return JSON.parse(new TextDecoder().decode(stored.bytes)) as T;
    } catch (error) {
      throw new CorruptObjectError(key, `invalid JSON (${(error as Error).message})`);
    }
  }

  async putBytes(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: options.contentType ?? 'application/octet-stream',
        Metadata: options.metadata,
      }),
    );
  }

  async putJson(key: string, value: unknown, options: PutOptions = {}): Promise<void> {
    const text = JSON.stringify(value, null, 2) + '\n';
    await this.putBytes(key, new TextEncoder().encode(text), {
      contentType: 'application/json',
      ...options,
    });
  }

  async putText(key: string, text: string, contentType: string): Promise<void> {
    await this.putBytes(key, new TextEncoder().encode(text), { contentType });
  }

  /** Deletes the object; deleting a missing key succeeds, as in S3. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Lists every object under `prefix`, page by page, in key order.
   *
   * It uses ListObjects (version 1) with markers: s3rver 4 returns an internal error for a
   * truncated ListObjectsV2 page on Node.js 17 and later, because its
   * continuation tokens use the DES cipher that OpenSSL 3 no longer enables.
   */
  async *list(prefix: string, options: { pageSize?: number } = {}): AsyncGenerator<ListedObject> {
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          Marker: marker,
          MaxKeys: options.pageSize,
        }),
      );
      const contents = page.Contents ?? [];
      for (const item of contents) {
        yield { key: item.Key!, etag: normalizeEtag(item.ETag), size: item.Size ?? 0 };
      }
      if (!page.IsTruncated || contents.length === 0) {
        return;
      }
      marker = contents[contents.length - 1].Key;
    }
  }

  /**
   * Lists the folder names directly under `prefix`, sorted. It reads one key per folder and
   * then skips past that folder with a marker, instead of a listing with a delimiter,
   * because s3rver 4 (the local server) omits common prefixes of keys two or more folders
   * deep.
   */
  async listFolders(prefix: string): Promise<string[]> {
    const folders: string[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: 1,
          Marker: startAfter,
        }),
      );
      const key = page.Contents?.[0]?.Key;
      if (key === undefined) {
        return folders;
      }
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) {
        startAfter = key;
        continue;
      }
      const folder = rest.slice(0, slash);
      folders.push(folder);
      // '0' follows '/' in code order, so this skips every key inside the folder.
      startAfter = `${prefix}${folder}0`;
    }
  }
}

/** An object's content with the metadata the store uses. */
export interface StoredBytes {
  readonly bytes: Uint8Array;
  /** The ETag without quotes. */
  readonly etag: string;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
}

/** One entry of a listing. */
export interface ListedObject {
  readonly key: string;
  /** The ETag without quotes. */
  readonly etag: string;
  readonly size: number;
}

export interface PutOptions {
  /** @default 'application/octet-stream' */
  readonly contentType?: string;
  /** User metadata, sent as `x-amz-meta-*` headers. */
  readonly metadata?: Record<string, string>;
}

/**
 * Removes the quotes around an ETag. S3 quotes ETags in API responses but not in event
 * notifications, and the store compares both.
 */
export function normalizeEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

/** Returns true for the errors S3 raises when a key or its precondition does not exist. */
export function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    candidate?.name === 'NoSuchKey' ||
    candidate?.name === 'NotFound' ||
    candidate?.$metadata?.httpStatusCode === 404
  );
}

/** Returns true when a conditional request failed because the object changed. */
export function isPreconditionFailed(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return candidate?.name === 'PreconditionFailed' || candidate?.$metadata?.httpStatusCode === 412;
}
