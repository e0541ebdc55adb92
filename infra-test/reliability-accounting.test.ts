import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureExtractor } from '../functions/common/extractor.js';
import { s3Client } from '../functions/common/runtime.js';
import { encodeEventKey } from '../local/s3-server.js';
import type { LocalQueue } from '../local/queue/local-queue.js';
import {
  ERRORS_PREFIX,
  errorKey,
  errorPrefix,
  featureKey,
  imageKeyOfFeature,
  IMAGES_PREFIX,
  mapConcurrent,
  SOURCE_ETAG_METADATA,
} from '../shared/store/index.js';
import { gradient, smallJpeg } from './reliability-images.js';
import { startReliabilityStack, waitUntil, type ReliabilityStack } from './reliability-stack.js';

const GOOD_IMAGES = 270;
const LABELS = ['alpha', 'beta', 'gamma'];

/** The broken uploads of the bulk upload, with the error reason each must get. */
const BROKEN = [
  { kind: 'empty', reason: 'empty', bytes: () => Buffer.alloc(0) },
  { kind: 'text', reason: 'unsupported-format', bytes: () => Buffer.from('not a picture\n') },
  { kind: 'truncated', reason: 'truncated', bytes: () => truncatedJpeg },
] as const;
const BROKEN_PER_KIND = 10;

let truncatedJpeg: Buffer;

/**
 * Every upload ends as exactly one feature vector or exactly one error record: a bulk
 * upload mixed with broken files, duplicate events, overwrites and deletes that race the
 * extraction, all on the local stack with the small seeded VGG16.
 */
describe('nothing lost', () => {
  let env: ReliabilityStack;
  let extractionQueue: LocalQueue;
  const uploaded = new Map<string, string>();
  const expectedReason = new Map<string, string>();

  beforeAll(async () => {
    truncatedJpeg = (await gradient(256, 256).jpeg().toBuffer()).subarray(0, 700);
    env = await startReliabilityStack({ name: 'accounting' });
    const queue = env.stack.model.queues.find((q) => q.consumer?.functionName === 'extract');
    extractionQueue = env.stack.queues.get(queue!.logicalId)!;
  });

  afterAll(async () => {
    await env?.close();
  });

  /** Lists every key under a prefix with the store's paged listing. */
  const listKeys = async (prefix: string) => {
    const keys: string[] = [];
    for await (const item of env.objects.list(prefix)) {
      keys.push(item.key);
    }
    return keys;
  };

  /** Maps every stored output back to its image key, with counts per image. */
  const outputsByImage = async () => {
    const space = env.store.space;
    const features = (await listKeys(`features/`)).map((key) => imageKeyOfFeature(space, key));
    const errorsUnder = errorPrefix(space);
    const errors = (await listKeys(ERRORS_PREFIX)).map(
      (key) => IMAGES_PREFIX + key.slice(errorsUnder.length, -'.json'.length),
    );
    const count = (keys: string[]) => {
      const counts = new Map<string, number>();
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    };
    return { features: count(features), errors: count(errors), featureKeys: features, errorKeys: errors };
  };

  const featureEtag = async (imageKey: string) =>
    (await env.objects.head(featureKey(env.store.space, imageKey)))?.Metadata?.[
      SOURCE_ETAG_METADATA
    ];

  const sendCreatedEvent = (key: string, etag: string) =>
    extractionQueue.send(
      JSON.stringify({
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: {
              bucket: { name: env.stack.info.bucket },
              object: { key: encodeEventKey(key), eTag: etag, size: 1 },
            },
          },
        ],
      }),
    );

  it('accounts for a bulk upload', async () => {
    const uploads: { key: string; bytes: () => Promise<Buffer> | Buffer; reason?: string }[] = [];
    for (let i = 0; i < GOOD_IMAGES; i++) {
      const label = LABELS[i % LABELS.length];
      uploads.push({ key: `images/${label}/img-${String(i).padStart(4, '0')}.jpg`, bytes: () => smallJpeg(i) });
    }
    for (const broken of BROKEN) {
      for (let i = 0; i < BROKEN_PER_KIND; i++) {
        uploads.push({
          key: `images/${LABELS[i % LABELS.length]}/broken-${broken.kind}-${i}.jpg`,
          bytes: broken.bytes,
          reason: broken.reason,
        });
      }
    }
    // Interleaves the broken files with the good ones, as a real folder would.
    uploads.sort((a, b) => (a.key.split('/')[2] < b.key.split('/')[2] ? -1 : 1));

    await mapConcurrent(uploads, 16, async (upload) => {
      uploaded.set(upload.key, await env.put(upload.key, await upload.bytes()));
      if (upload.reason) expectedReason.set(upload.key, upload.reason);
    });
    await env.drain(180_000);

    const images = await listKeys(IMAGES_PREFIX);
    const { features, errors, featureKeys, errorKeys } = await outputsByImage();
    expect(images).toHaveLength(uploads.length);
    expect(featureKeys).toHaveLength(GOOD_IMAGES);
    expect(errorKeys).toHaveLength(BROKEN.length * BROKEN_PER_KIND);
    expect(featureKeys.length + errorKeys.length).toBe(uploads.length);
    const unaccounted = images.filter(
      (key) => (features.get(key) ?? 0) + (errors.get(key) ?? 0) !== 1,
    );
    expect(unaccounted).toEqual([]);
    for (const [key, reason] of expectedReason) {
      expect((await env.store.getError(key))?.reason, key).toBe(reason);
    }
  });

  it('ignores duplicate events', async () => {
    const keys = [...uploaded.keys()].filter((key) => !expectedReason.has(key)).slice(0, 20);
    const before = new Map<string, Date | undefined>();
    for (const key of keys) {
      before.set(key, (await env.objects.head(featureKey(env.store.space, key)))?.LastModified);
    }

    for (let copy = 0; copy < 3; copy++) {
      for (const key of keys) sendCreatedEvent(key, uploaded.get(key)!);
    }
    // The same bytes again: S3 sends a new event with the same ETag.
    const sameBytes = await smallJpeg(0);
    await env.put('images/alpha/img-0000.jpg', sameBytes);
    await env.drain();

    const { features, errors } = await outputsByImage();
    expect([...features.values()].every((count) => count === 1)).toBe(true);
    expect(features.size).toBe(GOOD_IMAGES);
    expect(errors.size).toBe(BROKEN.length * BROKEN_PER_KIND);
    for (const key of keys) {
      const head = await env.objects.head(featureKey(env.store.space, key));
      expect(head?.LastModified, `${key} was extracted again`).toEqual(before.get(key));
    }
  });

  it('keeps newer version overwritten mid-extraction', async () => {
    const key = 'images/beta/overwritten.jpg';
    const first = await smallJpeg(1001);
    const second = await smallJpeg(1002);
    const extractor = await featureExtractor(new Logger({ serviceName: 'reliability-test' }));
    const extract = extractor.extract.bind(extractor);
    let secondEtag = '';
    let overwritten = false;
    extractor.extract = async (bytes: Uint8Array) => {
      if (!overwritten && Buffer.from(bytes).equals(first)) {
        overwritten = true;
        secondEtag = await env.put(key, second);
      }
      return extract(bytes);
    };

    try {
      await env.put(key, first);
      await env.drain();
    } finally {
      extractor.extract = extract;
    }

    expect(overwritten).toBe(true);
    expect(await featureEtag(key)).toBe(secondEtag);
    expect(await env.store.getFeatures(key)).toEqual(await extract(second));
    expect(await env.store.getError(key)).toBeUndefined();
  });

  it('keeps newer version overwritten before write', async () => {
    const key = 'images/gamma/overwritten-late.jpg';
    const first = await smallJpeg(2001);
    const second = await smallJpeg(2002);
    let secondEtag = '';
    // Holds the first version's feature write until the second version's features are
    // stored, so that the stale write lands last.
    const release = holdFirstFeatureWrite(featureKey(env.store.space, key), async () => {
      secondEtag = await env.put(key, second);
      await waitUntil(async () => (await featureEtag(key)) === secondEtag, 20_000, 'the second version');
    });

    try {
      await env.put(key, first);
      await env.drain();
    } finally {
      release();
    }

    expect(secondEtag).not.toBe('');
    expect(await featureEtag(key)).toBe(secondEtag);
  });

  it('cleans up image deleted before write', async () => {
    const key = 'images/gamma/deleted-late.jpg';
    const deletedBefore = extractionQueue.stats().deleted;
    // Holds the feature write until the delete event has been handled.
    const release = holdFirstFeatureWrite(featureKey(env.store.space, key), async () => {
      await env.s3.send(new DeleteObjectCommand({ Bucket: env.stack.info.bucket, Key: key }));
      await waitUntil(
        () => extractionQueue.stats().deleted > deletedBefore,
        20_000,
        'the delete event',
      );
    });

    try {
      await env.put(key, await smallJpeg(3001));
      await env.drain();
    } finally {
      release();
    }

    expect(await env.objects.head(featureKey(env.store.space, key))).toBeUndefined();
    expect(await env.objects.head(errorKey(env.store.space, key))).toBeUndefined();
  });

  it('cleans up images deleted after upload', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `images/alpha/short-lived-${i}.jpg`);
    await mapConcurrent(keys, 8, async (key, i) => {
      await env.put(key, await smallJpeg(4000 + i));
      await env.s3.send(new DeleteObjectCommand({ Bucket: env.stack.info.bucket, Key: key }));
    });
    await env.drain();

    const { features, errors } = await outputsByImage();
    const left = keys.filter((key) => features.has(key) || errors.has(key));
    expect(left).toEqual([]);
    // The good images of the bulk upload and the two overwritten images.
    expect(features.size).toBe(GOOD_IMAGES + 2);
  });
});

/**
 * Delays the extract function's first PutObject on `key` (through a middleware on the
 * handlers' shared S3 client) until `whileHeld` has run. Returns a function that removes
 * the middleware.
 */
function holdFirstFeatureWrite(key: string, whileHeld: () => Promise<void>): () => void {
  const client = s3Client();
  const name = `reliability-hold-${key}`;
  let held = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      if (!held && context.commandName === 'PutObjectCommand' && input.Key === key) {
        held = true;
        await whileHeld();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}
