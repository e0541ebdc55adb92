import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BucketObjects,
  ModelRegistry,
  trainingKey,
  type ModelMetricsDocument,
} from '../shared/store/index.js';
import { startHandlerEnvironment, type HandlerEnvironment } from './support/handler-environment.js';
import { classImage } from './support/images.js';
import { lambdaContext } from './support/lambda-context.js';
import {
  runStateMachine,
  type Handler,
  type HandlerResolver,
} from './support/run-state-machine.js';
import { drain, sqsEventOf } from './support/sqs-events.js';
import { functionsByName, stateMachineDefinition, synthStack } from './synth-stack.js';

const IMAGES_PER_CLASS = 12;

let env: HandlerEnvironment;
let definition: any;
let resolveHandler: HandlerResolver;
let registry: ModelRegistry;
let objects: BucketObjects;
const invocations: string[] = [];

beforeAll(async () => {
  env = await startHandlerEnvironment();
  registry = new ModelRegistry(env.bucket.client, env.bucket.bucket);
  objects = new BucketObjects(env.bucket.client, env.bucket.bucket);

  const { template } = synthStack({}, { bundle: false });
  definition = stateMachineDefinition(template, 'TrainingStateMachine');
  const byLogicalId = new Map(
    [...functionsByName(template)].map(([name, fn]) => [fn.logicalId, { name, fn }]),
  );
  const modules = new Map<string, Handler>();
  for (const { name } of byLogicalId.values()) {
    modules.set(name, (await import(`../functions/${name}/handler.ts`)).handler);
  }
  resolveHandler = (arn) => {
    const { name, fn } = byLogicalId.get(arn.split(':function:')[1])!;
    invocations.push(name);
    return {
      name,
      handler: modules.get(name)!,
      timeoutMs: fn.resource.Properties.Timeout * 1000,
    };
  };

  const extract = (await import('../functions/extract/handler.js')).handler;
  for (let i = 0; i < IMAGES_PER_CLASS; i++) {
    for (const kind of ['warm', 'cool'] as const) {
      const Body = await classImage(kind, i);
      await env.bucket.client.send(
        new PutObjectCommand({ Bucket: env.bucket.bucket, Key: `images/${kind}/${i}.png`, Body }),
      );
    }
  }
  await extract(sqsEventOf(drain(env.bucket.events)), lambdaContext('extract'));
});

afterAll(async () => {
  await env.close();
});

function run(input: unknown, name: string): Promise<any> {
  invocations.length = 0;
  return runStateMachine(definition, resolveHandler, input, name);
}

/**
 * Runs an execution that must fail and returns the Fail state's error (as the name) and
 * cause (as the message). The interpreter wraps them in an ExecutionError.
 */
async function failureOf(input: unknown, name: string): Promise<Error> {
  const error = await run(input, name).then(
    () => undefined,
    (caught: Error) => caught,
  );
  if (!(error?.cause instanceof Error)) {
    throw new Error(`execution ${name} did not fail with a Fail state: ${String(error)}`);
  }
  return error.cause;
}

describe('training state machine', () => {
  it('trains and publishes with an empty input', async () => {
    const output = await run({}, 'defaults-run');
    expect(output.version).toMatch(/^\d{8}T\d{6}Z-defaults-run$/);
    expect(output.labels).toEqual(['cool', 'warm']);
    // The two classes differ in colour and stripe direction, which even the untrained
    // backbone separates: this run measured 7 of 7 validation images right.
    expect(output.validation.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(output.validation.sampleCount + output.train.sampleCount).toBe(2 * IMAGES_PER_CLASS);
    expect((await registry.getCurrent())?.version).toBe(output.version);
  });

  it('writes metrics and a report', async () => {
    const [latest] = await registry.listVersions();
    const metrics = await registry.loadMetrics(latest.version);
    expect(metrics.loss).toBe('softmax');
    expect((metrics.dataset as { trainCount: number }).trainCount).toBeGreaterThan(0);
    const report = await objects.getBytes(`models/${latest.version}/report.html`);
    const html = new TextDecoder().decode(report!.bytes);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('loops train chunks until done', async () => {
    const input = {
      loss: 'svm',
      regularization: 0.001,
      epochs: 100,
      earlyStoppingPatience: 100,
      epochsPerChunk: 25,
    };
    const output = await run(input, 'loop-run');

    expect(invocations.filter((name) => name === 'train-chunk')).toHaveLength(4);
    const progress = await objects.getJson<{ epochs: unknown[]; done: boolean }>(
      trainingKey('loop-run', 'svm-0.001', 'progress.json'),
    );
    expect(progress?.epochs).toHaveLength(100);
    expect(progress?.done).toBe(true);
    expect(output.loss).toBe('svm');
  });

  it('publishes the best candidate of a sweep', async () => {
    const input = {
      sweep: { losses: ['svm', 'softmax'], regularizations: [0.0001, 0.1] },
      epochs: 20,
    };
    const output = await run(input, 'sweep-run');
    expect(output.candidates).toHaveLength(4);
    const best = Math.max(...output.candidates.map((c: any) => c.validation.accuracy));
    expect(output.validation.accuracy).toBe(best);
    const metrics = (await registry.loadMetrics(output.version)) as ModelMetricsDocument & {
      candidates: unknown[];
    };
    expect(metrics.candidates).toHaveLength(4);
  });

  it('fails with a readable cause for an unknown label', async () => {
    const failure = await failureOf({ labels: ['warm', 'zebra'] }, 'bad-label-run');
    expect(failure.name).toBe('UnknownLabel');
    expect(failure.message).toBe('no feature vectors for the selected labels: zebra');
  });

  it('fails with a readable cause for invalid input', async () => {
    const failure = await failureOf({ loss: 'hinge' }, 'bad-input-run');
    expect(failure.name).toBe('InvalidTrainingInput');
    expect(failure.message).toContain('loss must be "svm" or "softmax"');
  });

  it('fails when no features match the feature layer', async () => {
    const failure = await failureOf({ featureLayer: 'block5_pool' }, 'no-space-run');
    expect(failure.name).toBe('FeatureSpaceNotFound');
    expect(failure.message).toContain('the bucket has: ');
  });
});
