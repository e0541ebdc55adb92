import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../functions/common/runtime.js';
import { LambdaTimeoutError } from '../local/runtime/lambda-error.js';
import { moduleHandlerLoader, type HandlerLoader } from '../local/runtime/local-functions.js';
import { startLocalS3, type LocalS3 } from '../local/s3-server.js';
import { deserializeModel } from '../shared/linear/index.js';
import { BucketObjects, createS3Client, mapConcurrent, ModelRegistry } from '../shared/store/index.js';
import { REPO_ROOT } from './e2e-support.js';
import { classImage } from './support/images.js';
import { startReliabilityStack, withTimeout, type ReliabilityStack } from './reliability-stack.js';

/** The training input of both runs: four chunks of two epochs each. */
const TRAINING_INPUT = { loss: 'svm', epochs: 8, epochsPerChunk: 2, seed: 3 };

describe('training killed mid-run', () => {
  let env: ReliabilityStack;
  /** TrainChunk invocations per training run id. */
  const invocations = new Map<string, number>();
  /** The run whose second TrainChunk invocation is killed. */
  let runToKill: string | undefined;
  let killed = 0;

  /**
   * Wraps the real train-chunk handler. The invocation chosen for the kill runs its epochs,
   * then ends the way a Lambda timeout ends it: the S3 request that would save the
   * checkpoint fails, nothing of the invocation is written, and the invocation reports
   * `Sandbox.Timedout`.
   */
  const handlerLoader: HandlerLoader = async (name) => {
    const handler = await moduleHandlerLoader(REPO_ROOT)(name);
    if (name !== 'train-chunk') {
      return handler;
    }
    return async (event: unknown, context: Context) => {
      const runId = (event as { runId: string }).runId;
      const count = (invocations.get(runId) ?? 0) + 1;
      invocations.set(runId, count);
      if (runId !== runToKill || count !== 2) {
        return handler(event, context);
      }

      const { promise: checkpointReached, release } = blockNextCheckpointWrite();
      const work = handler(event, context);
      work.catch(() => undefined);
      const first = await Promise.race([work.then(() => 'finished'), checkpointReached]);
      if (first === 'finished') {
        throw new Error('the invocation chosen for the kill finished without saving a checkpoint');
      }
      release();
      killed += 1;
      throw new LambdaTimeoutError('train-chunk', 900);
    };
  };

  beforeAll(async () => {
    env = await startReliabilityStack({ name: 'faults-train', handlerLoader });
    for (let i = 0; i < 15; i++) {
      await env.put(`images/warm/w-${i}.png`, await classImage('warm', i));
      await env.put(`images/cool/c-${i}.png`, await classImage('cool', i));
    }
    await env.drain();
  });

  afterAll(async () => {
    await env?.close();
  });

  const modelOf = async (output: string | undefined) => {
    const { version } = JSON.parse(output ?? '{}') as { version: string };
    const registry = new ModelRegistry(env.s3, env.stack.info.bucket);
    return deserializeModel(await registry.loadModel(version));
  };

  it('resumes and produces the same model', async () => {
    const uninterrupted = await env.train(TRAINING_INPUT, 'uninterrupted', 120_000);
    expect(uninterrupted.status).toBe('SUCCEEDED');

    runToKill = 'interrupted';
    const interrupted = await env.train(TRAINING_INPUT, 'interrupted', 120_000);
    expect(interrupted.cause).toBeUndefined();
    expect(interrupted.status).toBe('SUCCEEDED');
    expect(killed).toBe(1);
    // One more invocation than the uninterrupted run: the killed one, then its retry.
    expect(invocations.get('interrupted')).toBe(invocations.get('uninterrupted')! + 1);

    const expected = await modelOf(uninterrupted.output);
    const actual = await modelOf(interrupted.output);
    expect(actual.labels).toEqual(expected.labels);
    expect(actual.mean).toEqual(expected.mean);
    expect(actual.scale).toEqual(expected.scale);
    expect(actual.weights).toEqual(expected.weights);
    expect(actual.bias).toEqual(expected.bias);
    expect(actual.thresholds).toEqual(expected.thresholds);
  });

  it('records the timeout in the history', async () => {
    const arn = env.stack.trainingStateMachine
      .list()
      .find((record) => record.name === 'interrupted')!.executionArn;
    const failures = env.stack.trainingStateMachine
      .history(arn)
      .filter((event) => event.type === 'TaskFailed');

    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('Sandbox.Timedout');
  });
});

/**
 * Makes the handlers' next PutObject of a `checkpoint.bin` fail before it reaches S3.
 * `promise` resolves when that request is made, and `release` removes the middleware.
 */
function blockNextCheckpointWrite(): { promise: Promise<string>; release: () => void } {
  const client = s3Client();
  const name = 'reliability-kill-before-checkpoint';
  let reached: (value: string) => void = () => undefined;
  const promise = new Promise<string>((resolve) => {
    reached = resolve;
  });
  let blocked = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (!blocked && context.commandName === 'PutObjectCommand' && key.endsWith('/checkpoint.bin')) {
        blocked = true;
        reached('killed');
        throw new Error('the invocation was killed before it saved its checkpoint');
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { promise, release: () => client.middlewareStack.remove(name) };
}

describe('S3 server restarted during uploads', () => {
  let directory: string;
  let server: LocalS3;
  const events: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgg-probe-faults-s3-'));
    server = await startLocalS3({
      directory,
      bucket: 'restart-test',
      onEvent: (record) => events.push(record.s3.object.key),
    });
  });

  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('loses no accepted upload', async () => {
    const client = createS3Client({ endpoint: server.endpoint });
    const port = server.port;
    const total = 150;
    const accepted = new Map<string, string>();
    const rejected: string[] = [];
    let inFlight = 0;
    let inFlightAtAbort = 0;

    const restart = async () => {
      inFlightAtAbort = inFlight;
      await server.abort();
      await new Promise((resolve) => setTimeout(resolve, 200));
      server = await startLocalS3({
        directory,
        bucket: 'restart-test',
        port,
        onEvent: (record) => events.push(record.s3.object.key),
      });
    };
    const upload = async (i: number) => {
      inFlight += 1;
      const key = `images/restart/img-${String(i).padStart(3, '0')}.png`;
      const body = await classImage(i % 2 === 0 ? 'warm' : 'cool', i);
      try {
        await client.send(new PutObjectCommand({ Bucket: 'restart-test', Key: key, Body: body }));
        accepted.set(key, createHash('md5').update(body).digest('hex'));
      } catch {
        rejected.push(key);
      } finally {
        inFlight -= 1;
      }
    };

    let restarting: Promise<void> | undefined;
    await withTimeout(
      mapConcurrent(Array.from({ length: total }, (_, i) => i), 8, async (i) => {
        if (i === 50) {
          // Restarts while the uploads of the other workers are in flight.
          restarting = restart();
        }
        await upload(i);
      }),
      120_000,
      () => 'the uploads did not finish within 120 s',
    );
    await restarting;
    // Uploads after the restart must all be accepted again.
    const acceptedBefore = accepted.size;
    for (let i = total; i < total + 10; i++) {
      await upload(i);
    }
    client.destroy();

    const reader = createS3Client({ endpoint: server.endpoint });
    const objects = new BucketObjects(reader, 'restart-test');
    const stored = new Map<string, string>();
    for await (const item of objects.list('images/')) {
      stored.set(item.key, item.etag);
    }
    const lost = [...accepted.keys()].filter((key) => stored.get(key) !== accepted.get(key));
    const eventsFor = new Set(events.map((key) => decodeURIComponent(key)));
    const unannounced = [...accepted.keys()].filter((key) => !eventsFor.has(key));
    reader.destroy();

    expect(inFlightAtAbort).toBeGreaterThan(0);
    expect(accepted.size - acceptedBefore).toBe(10);
    expect(accepted.size + rejected.length).toBe(total + 10);
    expect(lost).toEqual([]);
    expect(unannounced).toEqual([]);
  });
});
