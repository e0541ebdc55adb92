import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeededVgg16Backbone } from '../shared/backbone/vgg16-backbone-writer.js';
import { createS3Client } from '../shared/store/s3-client.js';
import { ApiClient } from '../local/cli/api-client.js';
import { readLabelledFolder, type LabelledImage } from '../local/cli/image-folders.js';
import { createProgress } from '../local/cli/progress.js';
import { runTraining, type TrainingResult } from '../local/cli/training-run.js';
import { summarizeTrainingOutput, type TrainingSummary } from '../local/cli/training-summary.js';
import { uploadImages } from '../local/cli/uploader.js';
import { writeSyntheticImages } from '../local/demo/synthetic-images.js';
import { redirectConsole } from '../local/stack/console-redirect.js';
import { type LocalStack, startLocalStack } from '../local/stack/local-stack.js';
import { REPO_ROOT, synthesizeProductTemplate } from './e2e-support.js';

/**
 * The product on the local stack with a small seeded VGG16 (width / 16, untrained):
 * upload, extraction, training through the state machine, prediction over HTTP and
 * rollback, through the same handlers, template and state machine as in AWS.
 */
describe('local stack end to end', () => {
  let scratch: string;
  let stack: LocalStack;
  let s3: S3Client;
  let sfn: SFNClient;
  let api: ApiClient;
  let restoreConsole: () => Promise<void>;
  let trainImages: LabelledImage[];
  let evalImages: LabelledImage[];
  let uploadedKeys: readonly string[];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-e2e-'));
    const backbone = await buildSeededVgg16Backbone({
      backboneDir: join(scratch, 'backbone'),
      widthDivisor: 16,
    });
    const set = await writeSyntheticImages({
      dir: join(scratch, 'images'),
      trainPerClass: 15,
      evalPerClass: 4,
      seed: 5,
    });
    trainImages = [...(await readLabelledFolder(set.trainDir)).images];
    evalImages = [...(await readLabelledFolder(set.evalDir)).images];

    restoreConsole = redirectConsole(join(scratch, 'handlers.log'));
    stack = await startLocalStack({
      repoRoot: REPO_ROOT,
      dataDir: join(scratch, 'stack'),
      template: synthesizeProductTemplate(scratch),
      backboneDir: backbone.backboneDir,
      retryDelayMs: 50,
    });
    s3 = createS3Client({ endpoint: stack.info.s3Endpoint });
    sfn = new SFNClient({
      endpoint: stack.info.stepFunctionsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    api = new ApiClient({ apiUrl: stack.info.apiUrl, apiKey: stack.info.apiKey });
  });

  afterAll(async () => {
    sfn?.destroy();
    await stack?.close();
    await restoreConsole?.();
    await rm(scratch, { recursive: true, force: true });
  });

  const listKeys = async (prefix: string) => {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: stack.info.bucket, Prefix: prefix }),
    );
    return (page.Contents ?? []).map((object) => object.Key!);
  };

  const train = async (
    input: Record<string, unknown>,
  ): Promise<{ result: TrainingResult; summary: TrainingSummary }> => {
    const result = await runTraining(
      { sfn, trainingStateMachineArn: stack.info.trainingStateMachineArn },
      input,
      { progress: createProgress(false), pollMs: 200, name: `e2e-${input.loss}-${Date.now()}` },
    );
    expect(result.cause).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    return {
      result,
      summary: await summarizeTrainingOutput({ s3, bucket: stack.info.bucket }, result.output),
    };
  };

  const predictLabel = async (image: LabelledImage) => {
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(image.file));
    const response = await api.predict<{ label: string; modelVersion: string; scores: unknown[] }>(
      bytes,
      'image/jpeg',
    );
    expect(response.status).toBe(200);
    return response.body;
  };

  it('fails training without features', async () => {
    const result = await runTraining(
      { sfn, trainingStateMachineArn: stack.info.trainingStateMachineArn },
      {},
      { progress: createProgress(false), pollMs: 200, name: 'e2e-empty' },
    );

    expect(result.status).toBe('FAILED');
    expect(result.cause).toMatch(/no feature vectors/);
    expect(result.cause).not.toMatch(/"trace"/);
  });

  it('extracts every upload, keys with spaces included', async () => {
    const upload = await uploadImages(trainImages, {
      s3,
      bucket: stack.info.bucket,
      progress: createProgress(false),
      keyOf: (image) => `images/${image.label}/shot ${image.relativePath}`,
    });
    uploadedKeys = upload.keys;
    await stack.waitForQueues();

    const features = await listKeys('features/');
    expect(features).toHaveLength(trainImages.length);
    expect(features.some((key) => key.includes('/shot circles-000.jpg.f32'))).toBe(true);
  });

  it('records an error for a file that is not an image', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.info.bucket,
        Key: 'images/circles/notes.jpg',
        Body: 'not an image',
      }),
    );
    await stack.waitForQueues();

    const errors = await listKeys('errors/');
    expect(errors.some((key) => key.endsWith('/circles/notes.jpg.json'))).toBe(true);
  });

  let first: TrainingSummary;

  it('trains through the state machine', async () => {
    ({ summary: first } = await train({ loss: 'softmax', epochs: 30 }));

    expect(first.labels).toEqual(['circles', 'squares']);
    expect(first.validation?.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('predicts over HTTP with the new model', async () => {
    const results = await Promise.all(evalImages.map(predictLabel));
    const correct = results.filter(
      (result, index) => result.label === evalImages[index].label,
    ).length;

    expect(results.every((result) => result.modelVersion === first.version)).toBe(true);
    expect(correct / results.length).toBeGreaterThanOrEqual(0.75);
  });

  it('rolls back to an earlier version', async () => {
    const { summary: second } = await train({ loss: 'svm', epochs: 10 });
    expect((await predictLabel(evalImages[0])).modelVersion).toBe(second.version);

    const rollback = await api.rollback<{ current: { version: string } }>(first.version);
    expect(rollback.status).toBe(200);
    expect((await predictLabel(evalImages[0])).modelVersion).toBe(first.version);

    const models = await api.models<{ versions: { version: string; current: boolean }[] }>();
    const current = models.body.versions
      .filter((version) => version.current)
      .map((version) => version.version);
    expect(current).toEqual([first.version]);
  });

  it('deletes the features of a removed image', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: stack.info.bucket, Key: uploadedKeys[0] }));
    await stack.waitForQueues();

    const features = await listKeys('features/');
    expect(features).toHaveLength(trainImages.length - 1);
  });

  it('keeps execution records on disk', async () => {
    const files = await readdir(join(scratch, 'stack', 'executions'));

    expect(files.length).toBeGreaterThanOrEqual(2);
  });
});
