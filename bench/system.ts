// `npm run bench -- system [--images N] [--train-images N] [--duration S]`
//
// Measures the whole product on the local stack with the full-size seeded VGG16, the way a
// user meets it. It reports images per minute from upload to stored features, predict
// latency over HTTP at concurrency 1 and 8 (autocannon), the wall time of a training
// execution on 800 feature vectors, and the peak RSS of each process. It ends with an
// estimate of the AWS cost per 1,000 images and per 1,000 predictions (see estimateCosts).
// Progress goes to stderr, and the last line on stdout is the JSON result.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
// @ts-expect-error autocannon ships no type declarations.
import autocannon from 'autocannon';
import sharp from 'sharp';
import { runTraining } from '../local/cli/training-run.js';
import { createProgress } from '../local/cli/progress.js';
import { readStateFile, type LocalStackState } from '../local/stack/state-file.js';
import { resolveBackbone } from '../shared/backbone/backbone-manifest.js';
import { Prng } from '../shared/linear/index.js';
import { BucketObjects, createS3Client, FeatureStore, mapConcurrent } from '../shared/store/index.js';
import { estimateCosts, type CostEstimate } from './system-costs.js';

const repoRoot = resolve(import.meta.dirname, '..');
const backboneDir = join(repoRoot, 'layers', 'vgg16', 'build', 'backbone');
const LABELS = ['warm', 'cool'] as const;

/** The whole run stops with an error after this long, the weights build excluded. */
const RUN_LIMIT_MS = 15 * 60_000;

const USAGE = `usage: npm run bench -- system [--images N] [--train-images N] [--duration S]
  --images        images uploaded for the timed extraction (default 24)
  --train-images  feature vectors the timed training runs on (default 800)
  --duration      seconds of each predict load run, at concurrency 1 and 8 (default 20)`;

interface Options {
  readonly images: number;
  readonly trainImages: number;
  readonly durationS: number;
}

/** Latency of one autocannon run, in ms. */
interface LoadResult {
  readonly connections: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Runs the benchmark. `argv` contains the arguments after the benchmark name. */
export async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  await ensureFullBackbone();
  const { manifest } = await resolveBackbone(backboneDir);
  log(`backbone ${manifest.id} (${manifest.featureLayer}), untrained: ${manifest.untrained}`);

  const dataDir = await mkdtemp(join(tmpdir(), 'vgg-probe-bench-system-'));
  const stackProcess = startStackProcess(dataDir);
  const limit = setTimeout(() => {
    log(`the benchmark ran longer than ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
    stackProcess.kill('SIGKILL');
    process.exit(1);
  }, RUN_LIMIT_MS);

  try {
    const state = await waitForStack(dataDir, stackProcess);
    const s3 = createS3Client({ endpoint: state.s3Endpoint });
    const store = new FeatureStore(s3, state.bucket, {
      backboneId: manifest.id,
      featureLayer: manifest.featureLayer,
    });

    const extraction = await measureExtraction(s3, state, store, options.images);
    log(
      `extraction: first image after ${(extraction.coldMs / 1000).toFixed(1)} s (cold start), then ` +
        `${options.images} images in ${(extraction.elapsedMs / 1000).toFixed(1)} s: ` +
        `${extraction.imagesPerMin.toFixed(1)} images/min; handler median ${extraction.handlerMedianMs} ms/image`,
    );

    const trainS = await measureTraining(state, store, options.trainImages);
    log(`training on ${options.trainImages} feature vectors: ${trainS.toFixed(1)} s`);

    const image = await benchImage(LABELS[0], 10_000);
    const single = await loadPredict(state, image, 1, options.durationS);
    const eight = await loadPredict(state, image, 8, options.durationS);
    for (const run of [single, eight]) {
      log(
        `predict at concurrency ${run.connections}: ${run.requests} requests (${run.non2xx} not 2xx), ` +
          `p50 ${run.p50} ms, p99 ${run.p99} ms, max ${run.max} ms`,
      );
    }

    const stackPeakMb = peakRssMb(stackProcess.pid!);
    const benchPeakMb = process.resourceUsage().maxRSS / 1024;
    log(`peak RSS: local stack process ${stackPeakMb.toFixed(0)} MB, benchmark process (uploads, autocannon) ${benchPeakMb.toFixed(0)} MB`);

    const costs = estimateCosts({
      extractMsPerImage: extraction.handlerMedianMs,
      predictMs: single.p50,
    });
    printCosts(costs);
    s3.destroy();

    process.stdout.write(
      `${JSON.stringify({
        bench: 'system',
        extract_images_per_min: round(extraction.imagesPerMin, 1),
        predict_p50_ms: single.p50,
        predict_p99_ms: single.p99,
        train_s: round(trainS, 1),
      })}\n`,
    );
  } finally {
    clearTimeout(limit);
    await stopStackProcess(stackProcess);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string', default: '24' },
      'train-images': { type: 'string', default: '800' },
      duration: { type: 'string', default: '20' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, raw: string, min: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`invalid --${name} ${raw}: use an integer of at least ${min}\n${USAGE}`);
    }
    return value;
  };
  return {
    images: positive('images', values.images!, 2),
    trainImages: positive('train-images', values['train-images']!, 20),
    durationS: positive('duration', values.duration!, 5),
  };
}

/** Builds the full-size seeded VGG16 layer when it is missing. */
async function ensureFullBackbone(): Promise<void> {
  if (existsSync(join(backboneDir, 'backbone.json'))) {
    return;
  }
  log('layers/vgg16/build/backbone is missing: building the seeded full-size VGG16 …');
  await runToEnd(process.execPath, ['--import', 'tsx', join(repoRoot, 'layers/vgg16/build.ts'), '--seeded']);
}

/** Starts `vgg-probe local` with the full-size backbone in its own process. */
function startStackProcess(dataDir: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'vgg-probe.js'), 'local', '--backbone', backboneDir, '--data-dir', dataDir],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(`[local stack] ${chunk.toString('utf8')}`);
  });
  return child;
}

async function waitForStack(dataDir: string, child: ChildProcess): Promise<LocalStackState> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the local stack exited with code ${child.exitCode} before it was ready`);
    }
    const state = await readStateFile(dataDir).catch(() => undefined);
    if (state !== undefined && state.pid === child.pid) {
      log(`local stack ready in process ${child.pid}`);
      return state;
    }
    if (Date.now() > deadline) {
      throw new Error('the local stack was not ready within 180 s');
    }
    await sleep(250);
  }
}

async function stopStackProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return;
  }
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGINT');
  const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
  }
}

/**
 * Uploads two images (the cold start), then `count` more at concurrency 8, and times
 * the second group from the first upload until every feature vector is stored.
 */
async function measureExtraction(
  s3: S3Client,
  state: LocalStackState,
  store: FeatureStore,
  count: number,
) {
  const upload = async (key: string, body: Buffer) =>
    s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: key, Body: body, ContentType: 'image/jpeg' }));

  const coldStarted = Date.now();
  await upload('images/warm/cold-0.jpg', await benchImage('warm', 0));
  await upload('images/cool/cold-1.jpg', await benchImage('cool', 1));
  await waitForFeatures(store, 2, 300_000);
  const coldMs = Date.now() - coldStarted;

  const images = await Promise.all(
    Array.from({ length: count }, (_, i) => benchImage(LABELS[i % 2], i + 2)),
  );
  const started = Date.now();
  await mapConcurrent(images, 8, (body, i) => upload(`images/${LABELS[i % 2]}/bench-${i}.jpg`, body));
  await waitForFeatures(store, count + 2, 30 * 60_000);
  const elapsedMs = Date.now() - started;

  return {
    coldMs,
    elapsedMs,
    imagesPerMin: count / (elapsedMs / 60_000),
    handlerMedianMs: await medianHandlerMs(state.dataDir),
  };
}

async function waitForFeatures(store: FeatureStore, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let stored = 0;
    for await (const _ of store.listFeatures()) stored += 1;
    if (stored >= count) return;
    if (Date.now() > deadline) {
      throw new Error(`only ${stored} of ${count} feature vectors were stored within ${timeoutMs} ms`);
    }
    await sleep(250);
  }
}

/** Returns the median `totalMs` of the extract handler's `image extracted` log lines. */
async function medianHandlerMs(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'handlers.log'), 'utf8');
  const totals = [...text.matchAll(/"message": "image extracted"[\s\S]*?"totalMs": (\d+)/g)].map(
    (match) => Number(match[1]),
  );
  if (totals.length === 0) {
    throw new Error(`no "image extracted" lines in ${dataDir}/handlers.log`);
  }
  totals.sort((a, b) => a - b);
  return totals[Math.floor(totals.length / 2)];
}

/**
 * Writes `count` feature vectors (the extracted ones, then copies of them with every value
 * scaled by a random factor in [0.8, 1.2)) and times a training execution with the default
 * input on them.
 */
async function measureTraining(state: LocalStackState, store: FeatureStore, count: number) {
  const extracted: { label: string; vector: Float32Array }[] = [];
  for await (const entry of store.listFeatures()) {
    const vector = (await store.readFeatureObject(entry.featureKey))!;
    extracted.push({ label: entry.imageKey.split('/')[1], vector });
  }
  const random = new Prng(7);
  const copies = Array.from({ length: Math.max(0, count - extracted.length) }, (_, i) => i);
  await mapConcurrent(copies, 16, async (i) => {
    const source = extracted[i % extracted.length];
    const vector = source.vector.map((value) => value * (0.8 + 0.4 * random.nextFloat()));
    await store.putFeatures(`images/${source.label}/copy-${i}.jpg`, vector, `copy-${i}`);
  });
  log(`wrote ${copies.length} noisy copies of ${extracted.length} extracted feature vectors`);

  const sfn = new SFNClient({
    endpoint: state.stepFunctionsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const result = await runTraining(
      { sfn, trainingStateMachineArn: state.trainingStateMachineArn },
      {},
      { progress: createProgress(false), pollMs: 250, name: 'bench-system' },
    );
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`training failed: ${result.error}: ${result.cause}`);
    }
    return result.durationMs / 1000;
  } finally {
    sfn.destroy();
  }
}

/** Runs autocannon against POST /predict with raw JPEG bytes. */
async function loadPredict(
  state: LocalStackState,
  image: Buffer,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: new URL('predict', state.apiUrl).href,
    method: 'POST',
    headers: { 'x-api-key': state.apiKey, 'content-type': 'image/jpeg' },
    body: image,
    connections,
    duration: durationS,
    // A request waits for the ones ahead of it on the 2 shared cores.
    timeout: 120,
  });
  return {
    connections,
    requests: result.requests.total,
    non2xx: result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

/** Encodes a 640 x 480 JPEG of smooth noise tinted by label, different for each seed. */
async function benchImage(label: (typeof LABELS)[number], seed: number): Promise<Buffer> {
  const tint = label === 'warm' ? { r: 200, g: 110, b: 60 } : { r: 50, g: 120, b: 200 };
  const noise = await sharp({
    create: {
      width: 80,
      height: 60,
      channels: 3,
      background: tint,
      noise: { type: 'gaussian', mean: 100 + (seed % 50), sigma: 30 + (seed % 20) },
    },
  })
    .png()
    .toBuffer();
  return sharp(noise).resize(640, 480).modulate({ hue: seed % 30 }).jpeg({ quality: 85 }).toBuffer();
}

/** Reads the peak resident set size (VmHWM) of a live process, in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function printCosts(costs: CostEstimate): void {
  log(
    `estimated AWS cost per 1,000 images extracted: $${costs.extractPer1000.toFixed(4)} ` +
      `(Lambda ${costs.extractLambdaS.toFixed(0)} GB-s)`,
  );
  log(
    `estimated AWS cost per 1,000 predictions: $${costs.predictPer1000.toFixed(4)} ` +
      `(Lambda ${costs.predictLambdaS.toFixed(0)} GB-s)`,
  );
}

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${command} ${args.join(' ')} exited with code ${code}`)),
    );
  });
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
