import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { EvaluationReport } from '../../shared/linear/metrics.js';
import { ERRORS_PREFIX } from '../../shared/store/keys.js';
import { BucketObjects } from '../../shared/store/objects.js';
import { createS3Client } from '../../shared/store/s3-client.js';
import { ApiClient } from '../cli/api-client.js';
import { CliError } from '../cli/errors.js';
import { describeBackbone } from '../cli/commands/backbone-summary.js';
import { countKeys } from '../cli/bucket-counts.js';
import { evaluateImages, type FilePrediction, predictFiles } from '../cli/evaluation.js';
import {
  contentTypeOf,
  type LabelledFolder,
  type LabelledImage,
  readLabelledFolder,
  splitLabelDifference,
} from '../cli/image-folders.js';
import type { Output } from '../cli/output.js';
import { createProgress } from '../cli/progress.js';
import { expectTrainingSucceeded, runTraining } from '../cli/training-run.js';
import { type TrainingSummary, summarizeTrainingOutput } from '../cli/training-summary.js';
import { uploadImages } from '../cli/uploader.js';
import { type BackboneChoice, chooseBackbone } from '../stack/backbone-choice.js';
import { redirectConsole } from '../stack/console-redirect.js';
import { type LocalStack, startLocalStack } from '../stack/local-stack.js';
import { writeSyntheticImages } from './synthetic-images.js';

/** Options of the demo, as `vgg-probe demo` takes them. */
export interface DemoOptions {
  /** One subfolder per label, or `train/` and `valid/` with one subfolder per label each. */
  readonly images?: string;
  /** A separate labelled folder to evaluate on after training. */
  readonly eval?: string;
  readonly backbone?: string;
  readonly loss?: string;
  readonly epochs?: number;
  readonly repoRoot: string;
  /** The demo's own data folder; its stack data is replaced on every run. */
  readonly dataDir: string;
  readonly cacheDirs: { readonly template: string; readonly backbones: string };
  /** Show progress bars. */
  readonly progress: boolean;
  /** @default 2, the seed of the generated images */
  readonly seed?: number;
}

/** Everything the demo measured, as its JSON result reports it. */
export interface DemoResult {
  readonly backbone: BackboneChoice;
  readonly images: {
    readonly source: string;
    readonly layout: string;
    readonly labels: readonly string[];
    readonly uploaded: number;
    readonly skipped: number;
    readonly extracted: number;
    readonly errors: number;
  };
  readonly training: { readonly execution: string; readonly input: Record<string, unknown> };
  readonly model: { readonly version: string; readonly loss?: string; readonly report: string };
  readonly validation: TrainingSummary['validation'] & { readonly [field: string]: unknown };
  readonly eval?: {
    readonly dir: string;
    readonly accuracy: number;
    readonly report: EvaluationReport;
  };
  readonly predictions: readonly {
    file: string;
    label: string | null;
    confidence: number;
    trueLabel: string;
  }[];
  readonly timings: Record<string, number>;
}

/** The number of generated images per class, for training and for the separate evaluation. */
const GENERATED = { trainPerClass: 30, evalPerClass: 10 } as const;

/**
 * Runs the main job end to end on a fresh local stack. It picks or builds the backbone,
 * uploads a labelled image set (generated when none is given) and waits for extraction.
 * Then it trains through the state machine, evaluates, and predicts a few images over HTTP.
 */
export async function runDemo(options: DemoOptions, output: Output): Promise<DemoResult> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const stepStarted = Date.now();
    const result = await work();
    timings[`${name}Ms`] = Date.now() - stepStarted;
    return result;
  };

  await rm(join(options.dataDir, 'stack'), { recursive: true, force: true });
  const backbone = await step('backbone', () =>
    chooseBackbone({
      backbone: options.backbone,
      repoRoot: options.repoRoot,
      cacheDir: options.cacheDirs.backbones,
      acceptUntrainedLayer: false,
    }),
  );
  for (const line of describeBackbone(backbone)) {
    output.info(line);
  }
  const images = await step('images', () => chooseImages(options));
  for (const skipped of images.folder.skipped) {
    output.warn(`skipped ${skipped.file}: ${skipped.reason}`);
  }
  output.info(
    `images: ${images.folder.images.length} in ${images.folder.labels.length} classes (${images.folder.labels.join(', ')}) from ${images.source}`,
  );

  const restoreConsole = redirectConsole(join(options.dataDir, 'stack', 'handlers.log'));
  let stack: LocalStack | undefined;
  try {
    stack = await step('startStack', () =>
      startLocalStack({
        repoRoot: options.repoRoot,
        dataDir: join(options.dataDir, 'stack'),
        templateCacheDir: options.cacheDirs.template,
        backboneDir: backbone.dir,
      }),
    );
    output.info(`local stack up: S3 ${stack.info.s3Endpoint}, API ${stack.info.apiUrl}`);
    return await runOnStack(stack, options, output, { backbone, images, timings, step, started });
  } finally {
    await stack?.close();
    await restoreConsole();
  }
}

interface ChosenImages {
  readonly folder: LabelledFolder;
  readonly source: string;
  /** The separate evaluation folder, if any. */
  readonly evalFolder?: LabelledFolder;
  readonly evalDir?: string;
}

async function chooseImages(options: DemoOptions): Promise<ChosenImages> {
  const evalFolder = options.eval ? await readLabelledFolder(options.eval) : undefined;
  if (options.images) {
    return {
      folder: checkTrainable(await readLabelledFolder(options.images), options.images),
      source: options.images,
      evalFolder,
      evalDir: options.eval,
    };
  }

  const dir = join(options.dataDir, 'generated');
  await rm(dir, { recursive: true, force: true });
  const set = await writeSyntheticImages({ dir, ...GENERATED, seed: options.seed ?? 2 });
  return {
    folder: await readLabelledFolder(set.trainDir),
    source: `generated (${GENERATED.trainPerClass} per class in ${set.trainDir})`,
    evalFolder: evalFolder ?? (await readLabelledFolder(set.evalDir)),
    evalDir: options.eval ?? set.evalDir,
  };
}

/**
 * Rejects a folder that cannot train a classifier before the demo starts a stack. Such a
 * folder has one label only, or train/ and valid/ folders that contain different labels.
 */
export function checkTrainable(folder: LabelledFolder, dir: string): LabelledFolder {
  if (folder.labels.length < 2) {
    throw new CliError(
      `${dir} has images of one label only (${folder.labels.join(', ')}), but a classifier ` +
        'needs two or more',
      'Add a subfolder of images for each other class.',
    );
  }
  const difference = splitLabelDifference(folder);
  if (difference) {
    throw new CliError(
      `in ${dir}, ${difference}`,
      'Put images of every label in both train/ and valid/.',
    );
  }
  return folder;
}

interface DemoContext {
  readonly backbone: BackboneChoice;
  readonly images: ChosenImages;
  readonly timings: Record<string, number>;
  readonly step: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  readonly started: number;
}

async function runOnStack(
  stack: LocalStack,
  options: DemoOptions,
  output: Output,
  context: DemoContext,
): Promise<DemoResult> {
  const { backbone, images, timings, step } = context;
  const s3 = createS3Client({ endpoint: stack.info.s3Endpoint });
  const bucket = stack.info.bucket;
  const split = images.folder.layout === 'splits';

  const upload = await step('upload', () =>
    uploadImages(images.folder.images, {
      s3,
      bucket,
      progress: createProgress(options.progress),
    }),
  );
  output.info(
    `uploaded ${upload.uploaded} images in ${(upload.durationMs / 1000).toFixed(1)} s; extracting features…`,
  );

  await step('extraction', () => waitForUploads(stack, upload.uploaded, options.progress));
  const errors = await countKeys(s3, bucket, ERRORS_PREFIX);
  if (errors.total > 0) {
    output.warn(`${errors.total} images could not be processed; see errors/ in the bucket`);
  }

  const input: Record<string, unknown> = {
    ...(options.loss ? { loss: options.loss } : {}),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(split ? { split: 'folder' } : {}),
  };
  output.info(`training through the state machine with input ${JSON.stringify(input)}…`);
  const sfn = new SFNClient({
    endpoint: stack.info.stepFunctionsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const result = await step('training', () =>
    runTraining({ sfn, trainingStateMachineArn: stack.info.trainingStateMachineArn }, input, {
      progress: createProgress(options.progress),
      pollMs: 500,
    }),
  );
  sfn.destroy();
  const summary = await summarizeTrainingOutput({ s3, bucket }, expectTrainingSucceeded(result));
  const reportPath = await saveReport(s3, bucket, summary, options.dataDir);

  const api = new ApiClient({ apiUrl: stack.info.apiUrl, apiKey: stack.info.apiKey });
  const evaluation = images.evalFolder
    ? await step('evaluation', () =>
        evaluateImages(api, images.evalFolder!.images, createProgress(options.progress)),
      )
    : undefined;
  const heldOut = images.folder.images.filter((image) => image.split === 'valid');
  const samples = pickSamples(
    images.evalFolder?.images ?? (heldOut.length > 0 ? heldOut : images.folder.images),
  );
  const predictions = await step('predictions', () =>
    predictFiles(api, samples.map(toPredictInput), { progress: createProgress(false) }),
  );
  timings.totalMs = Date.now() - context.started;

  return {
    backbone,
    images: {
      source: images.source,
      layout: images.folder.layout,
      labels: images.folder.labels,
      uploaded: upload.uploaded,
      skipped: images.folder.skipped.length,
      extracted: upload.uploaded - errors.total,
      errors: errors.total,
    },
    training: { execution: result.name, input },
    model: { version: summary.version, loss: summary.loss, report: reportPath },
    validation: { ...summary.metrics.validation },
    ...(evaluation && images.evalDir
      ? {
          eval: {
            dir: images.evalDir,
            accuracy: evaluation.report.accuracy,
            report: evaluation.report,
          },
        }
      : {}),
    predictions: predictions.map((prediction, index) =>
      describePrediction(prediction, samples[index]),
    ),
    timings,
  };
}

/** Waits for the upload queue and its dead-letter queue, with a bar of processed images. */
async function waitForUploads(
  stack: LocalStack,
  uploaded: number,
  showProgress: boolean,
): Promise<void> {
  const progress = createProgress(showProgress);
  const uploadQueue = stack.model.queues.find((queue) => queue.notificationRules.length > 0);
  const queue = uploadQueue ? stack.queues.get(uploadQueue.logicalId) : undefined;
  progress.start(uploaded, 'extract');

  let done = false;
  const drained = stack.waitForQueues().finally(() => {
    done = true;
  });
  while (!done) {
    const stats = queue?.stats();
    if (stats) {
      progress.update(Math.min(uploaded, stats.deleted + stats.deadLettered));
    }
    await Promise.race([drained, sleep(250)]);
  }
  progress.update(uploaded);
  progress.stop();
}

/** Copies the version's report out of the bucket so that a browser can open it. */
async function saveReport(
  s3: ReturnType<typeof createS3Client>,
  bucket: string,
  summary: TrainingSummary,
  dataDir: string,
): Promise<string> {
  const stored = await new BucketObjects(s3, bucket).getBytes(summary.reportKey ?? '');
  const path = join(dataDir, 'reports', `${summary.version}.html`);
  await mkdir(join(dataDir, 'reports'), { recursive: true });
  await writeFile(path, stored?.bytes ?? `report ${summary.reportKey} not found in the bucket`);
  return path;
}

/** Picks up to two images of each label, in folder order. */
function pickSamples(images: readonly LabelledImage[]): LabelledImage[] {
  const labels = [...new Set(images.map((image) => image.label))];
  return labels.flatMap((label) => images.filter((image) => image.label === label).slice(0, 2));
}

function toPredictInput(image: LabelledImage) {
  return { file: image.file, contentType: contentTypeOf(image.format) };
}

function describePrediction(prediction: FilePrediction, image: LabelledImage) {
  return {
    file: prediction.file,
    label: prediction.response.label,
    confidence: prediction.response.confidence,
    trueLabel: image.label,
  };
}
