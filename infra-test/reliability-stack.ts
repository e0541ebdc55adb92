import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ApiClient } from '../local/cli/api-client.js';
import type { HandlerLoader } from '../local/runtime/local-functions.js';
import { redirectConsole } from '../local/stack/console-redirect.js';
import { type LocalStack, startLocalStack } from '../local/stack/local-stack.js';
import type { ExecutionRecord } from '../local/stepfunctions/local-state-machine.js';
import { buildSeededVgg16Backbone } from '../shared/backbone/vgg16-backbone-writer.js';
import { resolveBackbone } from '../shared/backbone/backbone-manifest.js';
import { createS3Client } from '../shared/store/s3-client.js';
import { BucketObjects } from '../shared/store/objects.js';
import { FeatureStore } from '../shared/store/feature-store.js';
import { REPO_ROOT, synthesizeProductTemplate } from './e2e-support.js';

/** A local stack for one reliability test file, with clients pointed at it. */
export interface ReliabilityStack {
  readonly scratch: string;
  readonly stack: LocalStack;
  readonly s3: S3Client;
  readonly objects: BucketObjects;
  /** The feature store of the seeded backbone's default layer. */
  readonly store: FeatureStore;
  readonly api: ApiClient;
  /** Uploads bytes under a key and returns the ETag without quotes. */
  put(key: string, body: Uint8Array | string): Promise<string>;
  /** Waits until every queue is idle, failing after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
  /** Runs a training execution to its end, failing after `timeoutMs`. */
  train(input: unknown, name: string, timeoutMs?: number): Promise<ExecutionRecord>;
  close(): Promise<void>;
}

/** Options for {@link startReliabilityStack}. */
export interface ReliabilityStackOptions {
  /** Prefix of the scratch folder in the system's temporary folder. */
  readonly name: string;
  readonly handlerLoader?: HandlerLoader;
  /**
   * Width divisor of the seeded VGG16: 16 gives a backbone of 1/256 of VGG16's
   * multiply-adds, with 256-value `fc2` features.
   * @default 16
   */
  readonly widthDivisor?: number;
}

/**
 * Starts the product's local stack (S3 server, queues, state machine, REST API) with a
 * small seeded VGG16 in a fresh scratch folder. Handler logs go to `handlers.log` there.
 */
export async function startReliabilityStack(
  options: ReliabilityStackOptions,
): Promise<ReliabilityStack> {
  const scratch = await mkdtemp(join(tmpdir(), `vgg-probe-${options.name}-`));
  const backbone = await buildSeededVgg16Backbone({
    backboneDir: join(scratch, 'backbone'),
    widthDivisor: options.widthDivisor ?? 16,
  });
  const { manifest } = await resolveBackbone(backbone.backboneDir);

  const restoreConsole = redirectConsole(join(scratch, 'handlers.log'));
  const stack = await startLocalStack({
    repoRoot: REPO_ROOT,
    dataDir: join(scratch, 'stack'),
    template: synthesizeProductTemplate(scratch),
    backboneDir: backbone.backboneDir,
    retryDelayMs: 50,
    handlerLoader: options.handlerLoader,
  }).catch(async (error: unknown) => {
    await restoreConsole();
    throw error;
  });

  const s3 = createS3Client({ endpoint: stack.info.s3Endpoint });
  const bucket = stack.info.bucket;
  return {
    scratch,
    stack,
    s3,
    objects: new BucketObjects(s3, bucket),
    store: new FeatureStore(s3, bucket, {
      backboneId: manifest.id,
      featureLayer: manifest.featureLayer,
    }),
    api: new ApiClient({ apiUrl: stack.info.apiUrl, apiKey: stack.info.apiKey, maxRetries: 0 }),
    put: async (key, body) => {
      const output = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return (output.ETag ?? '').replace(/"/g, '');
    },
    drain: (timeoutMs = 60_000) =>
      withTimeout(stack.waitForQueues(), timeoutMs, () => {
        const stats = [...stack.queues].map(([name, queue]) => `${name} ${JSON.stringify(queue.stats())}`);
        return `the queues did not drain within ${timeoutMs} ms: ${stats.join('; ')}; see ${scratch}/handlers.log`;
      }),
    train: async (input, name, timeoutMs = 90_000) => {
      const machine = stack.trainingStateMachine;
      const { executionArn } = machine.start(input, name);
      return withTimeout(
        machine.wait(executionArn),
        timeoutMs,
        () => `training execution ${name} did not end within ${timeoutMs} ms`,
      );
    },
    close: async () => {
      s3.destroy();
      await stack.close();
      await restoreConsole();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Resolves with `work`, or rejects with `message()` once `timeoutMs` has passed. */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  message: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 20 ms until it returns true, failing after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
