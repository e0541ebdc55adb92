import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_FAILURE_MAX_RECEIVE_COUNT } from '../cdk/lib/extraction.js';
import { s3Client } from '../functions/common/runtime.js';
import { encodeEventKey } from '../local/s3-server.js';
import { moduleHandlerLoader, type HandlerLoader } from '../local/runtime/local-functions.js';
import { writeStateFile } from '../local/stack/state-file.js';
import { ERRORS_PREFIX, featureKey } from '../shared/store/index.js';
import { REPO_ROOT, runCli } from './e2e-support.js';
import { startReliabilityStack, type ReliabilityStack } from './reliability-stack.js';

/** Not an image, so that extraction ends in a write under `errors/` on every delivery. */
const BROKEN_IMAGE = Buffer.from('not a picture\n');

/**
 * An upload whose failure cannot be recorded, because S3 rejects every write under
 * `errors/` as a missing permission would: it ends in the UnrecordedFailures queue after a
 * bounded number of deliveries, and `vgg-probe status` explains it.
 */
describe('unrecorded extraction failure', () => {
  let env: ReliabilityStack;
  let restoreWrites: () => void;
  let recordFailureDeliveries = 0;
  const key = 'images/broken/no access.jpg';

  /** Wraps the real record-failure handler to count the messages it receives. */
  const handlerLoader: HandlerLoader = async (name) => {
    const handler = await moduleHandlerLoader(REPO_ROOT)(name);
    if (name !== 'record-failure') {
      return handler;
    }
    return async (event, context) => {
      recordFailureDeliveries += (event as SQSEvent).Records.length;
      return handler(event, context);
    };
  };

  beforeAll(async () => {
    env = await startReliabilityStack({ name: 'unrecorded', handlerLoader });
    restoreWrites = denyErrorRecordWrites();
    await env.put(key, BROKEN_IMAGE);
    await env.drain(30_000);
  });

  afterAll(async () => {
    restoreWrites?.();
    await env?.close();
  });

  it('ends in the unrecorded-failure queue', async () => {
    const queue = env.stack.unrecordedFailureQueue;
    const bodies = queue?.messages() ?? [];

    expect(queue).toBeDefined();
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]).Records[0].s3.object.key).toBe(encodeEventKey(key));
    expect(recordFailureDeliveries).toBe(RECORD_FAILURE_MAX_RECEIVE_COUNT);
  });

  it('leaves no output for the image', async () => {
    expect(await env.store.getError(key)).toBeUndefined();
    expect(await env.objects.head(featureKey(env.store.space, key))).toBeUndefined();
  });

  it('status explains the stranded image', async () => {
    const dataDir = join(env.scratch, 'cli');
    await mkdir(dataDir, { recursive: true });
    await writeStateFile({
      ...env.stack.info,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
    });

    const text = await runCli(['--data-dir', dataDir, 'status']);
    const json = await runCli(['--json', '--data-dir', dataDir, 'status']);

    expect(text.code).toBe(0);
    expect(text.stdout).toContain('warning: 1 S3 event in queue ExtractionUnrecordedFailures');
    expect(text.stdout).toContain(`    ${key}\n`);
    expect(text.stdout).toContain('upload these images again');
    expect(json.code).toBe(0);
    expect(json.json.unrecordedFailures.messages).toBe(1);
    expect(json.json.unrecordedFailures.imageKeys).toEqual([key]);
  });

  it('records the failure once writes work again', async () => {
    restoreWrites();
    await env.put(key, BROKEN_IMAGE);
    await env.drain(30_000);

    expect((await env.store.getError(key))?.reason).toBe('unsupported-format');
  });
});

/**
 * Makes every PutObject under `errors/` through the handlers' shared S3 client fail before
 * it reaches S3, as a role without `s3:PutObject` on `errors/*` would. Returns a function
 * that removes the fault.
 */
function denyErrorRecordWrites(): () => void {
  const client = s3Client();
  const name = 'reliability-deny-error-records';
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const objectKey = (args.input as { Key?: string }).Key ?? '';
      if (context.commandName === 'PutObjectCommand' && objectKey.startsWith(ERRORS_PREFIX)) {
        const error = new Error(`Access Denied: PutObject on ${objectKey} (injected by the test)`);
        error.name = 'AccessDenied';
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}
