// `npm run bench -- train`: seconds per training epoch of the linear probe against a
// tfjs-layers dense softmax model trained with fit() on the WASM backend, and the time of
// one pass that only reads the same feature matrix. Progress goes to stderr; the last
// line on stdout is the JSON result.
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createInMemorySource, LinearProbeTrainer, Prng, type FeatureDataset, type LossType } from '../shared/linear/index.js';
import { integerOption } from './arguments.js';

/**
 * Seconds of one unit of work: wall-clock, and CPU time of this process (user + system),
 * which other processes on a shared machine disturb less.
 */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

interface BenchOptions {
  readonly samples: number;
  readonly dim: number;
  readonly epochs: number;
  readonly tfjsEpochs: number;
  readonly batchSize: number;
  readonly seed: number;
}

const USAGE = `usage: npm run bench -- train [--samples N] [--dim D] [--epochs E] [--tfjs-epochs E] [--seed S]
  --samples      feature vectors (default 25000)
  --dim          values per feature vector (default 4096)
  --epochs       timed epochs per loss for this implementation, after one warm-up epoch (default 5)
  --tfjs-epochs  timed tfjs fit() epochs, after one warm-up epoch (default 3)
  --seed         seed of the synthetic data (default 1)

Times one training epoch (batch 256) of the softmax and the SVM probe, one epoch of a
tfjs-layers dense softmax model trained with fit() on the WASM backend, and one memory
pass (a scalar loop that sums the feature matrix). Progress goes to stderr. The last line
on stdout is JSON; ours_s_per_epoch is the slower of the two losses. The targets (at least
25x the speed of tfjs fit, at most 5 memory passes) are set for the default size.`;

const DEFAULT_SAMPLES = 25000;
const DEFAULT_DIM = 4096;
const TARGET_SPEED_UP = 25;
const TARGET_MEMORY_PASSES = 5;

/** Runs the benchmark. `argv` contains the arguments after the benchmark name. */
export async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  log(`machine: ${describeMachine()}`);
  log(`generating ${options.samples} x ${options.dim} float32 features (2 classes, ReLU-like, seed ${options.seed})`);
  const dataset = generateFeatures(options);

  const memoryPass = timeMemoryPass(dataset.features);
  log(`memory pass (sum with 4 accumulators, median of 5): ${describe(memoryPass)}`);

  const ours: Record<LossType, Timing> = { softmax: { wall: 0, cpu: 0 }, svm: { wall: 0, cpu: 0 } };
  for (const loss of ['softmax', 'svm'] as const) {
    ours[loss] = await timeOurEpochs(dataset, loss, options);
    log(`ours, ${loss}: ${describe(ours[loss])} per epoch (${ratio(ours[loss].wall, memoryPass.wall)} memory passes)`);
  }

  const tfjsFit = await timeTfjsFit(dataset, options);
  const slowest = ours.softmax.wall >= ours.svm.wall ? ours.softmax : ours.svm;
  log(`tfjs-layers fit (WASM backend): ${describe(tfjsFit)} per epoch`);
  for (const clock of ['wall', 'cpu'] as const) {
    const speedUp = tfjsFit[clock] / slowest[clock];
    const passes = slowest[clock] / memoryPass[clock];
    log(
      `${clock} time: speed-up over tfjs fit softmax ${ratio(tfjsFit[clock], ours.softmax[clock])}x, ` +
        `svm ${ratio(tfjsFit[clock], ours.svm[clock])}x (target at least ${TARGET_SPEED_UP}x: ` +
        `${verdict(speedUp >= TARGET_SPEED_UP)}); slower loss ${passes.toFixed(2)} memory passes ` +
        `(target at most ${TARGET_MEMORY_PASSES}: ${verdict(passes <= TARGET_MEMORY_PASSES)})`,
    );
  }
  if (options.samples !== DEFAULT_SAMPLES || options.dim !== DEFAULT_DIM) {
    log(`note: the targets are set for ${DEFAULT_SAMPLES} x ${DEFAULT_DIM} features; this run used ${options.samples} x ${options.dim}`);
  }

  process.stdout.write(
    `${JSON.stringify({
      bench: 'train',
      ours_s_per_epoch: round(slowest.wall),
      tfjs_fit_s_per_epoch: round(tfjsFit.wall),
      memory_pass_s: round(memoryPass.wall),
      ours_slower_loss: slowest === ours.softmax ? 'softmax' : 'svm',
      samples: options.samples,
      dim: options.dim,
      batch_size: options.batchSize,
    })}\n`,
  );
}

/** Parses the options after the benchmark name, or returns 'help' for --help. Raises UsageError. */
function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      samples: { type: 'string', default: String(DEFAULT_SAMPLES) },
      dim: { type: 'string', default: String(DEFAULT_DIM) },
      epochs: { type: 'string', default: '5' },
      'tfjs-epochs': { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  return {
    samples: integerOption('samples', values.samples, 2),
    dim: integerOption('dim', values.dim, 1),
    epochs: integerOption('epochs', values.epochs, 1),
    tfjsEpochs: integerOption('tfjs-epochs', values['tfjs-epochs'], 1),
    batchSize: 256,
    seed: integerOption('seed', values.seed, 0),
  };
}

/**
 * Generates two classes with features max(0, base[j] + shift[class][j] + u), with u uniform
 * in [-1, 1), base uniform in [-0.5, 0.5) and class shifts uniform in [-0.02, 0.02).
 * About half the values are 0, as after a ReLU. The classes overlap, so neither loss
 * reaches zero in a few epochs.
 */
function generateFeatures(options: BenchOptions): FeatureDataset {
  const { samples, dim } = options;
  const prng = new Prng(options.seed);
  const base = Float32Array.from({ length: dim }, () => prng.nextFloat() - 0.5);
  const means = [0, 1].map(() => base.map((b) => b + 0.04 * prng.nextFloat() - 0.02));
  const features = new Float32Array(samples * dim);
  const labels = new Int32Array(samples);
  const ids: string[] = [];

  for (let i = 0; i < samples; i++) {
    const label = prng.nextUint32() & 1;
    const mean = means[label];
    const row = i * dim;
    for (let j = 0; j < dim; j++) {
      features[row + j] = Math.max(0, mean[j] + 2 * prng.nextFloat() - 1);
    }
    labels[i] = label;
    ids.push(`sample-${i}`);
  }
  return { features, labels, ids, dim };
}

/** Median of 5 timed passes, after passes over a small slice that get the loop compiled. */
function timeMemoryPass(features: Float32Array): Timing {
  let checksum = 0;
  const warmUp = features.subarray(0, Math.min(features.length, 1 << 16));
  for (let repeat = 0; repeat < 200; repeat++) {
    checksum += sumWithFourAccumulators(warmUp);
  }

  const times: Timing[] = [];
  for (let repeat = 0; repeat < 5; repeat++) {
    const stopwatch = startStopwatch();
    checksum += sumWithFourAccumulators(features);
    times.push(stopwatch());
  }
  log(`memory pass times: ${times.map(describe).join(', ')} (checksum ${checksum.toExponential(6)})`);
  return medianTiming(times);
}

function sumWithFourAccumulators(values: Float32Array): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const n = values.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a0 += values[i];
    a1 += values[i + 1];
    a2 += values[i + 2];
    a3 += values[i + 3];
  }
  for (; i < n; i++) {
    a0 += values[i];
  }
  return a0 + a1 + a2 + a3;
}

/** Median seconds of the timed epochs after one warm-up epoch (no validation pass). */
async function timeOurEpochs(dataset: FeatureDataset, loss: LossType, options: BenchOptions): Promise<Timing> {
  const trainer = new LinearProbeTrainer(
    {
      labels: ['class0', 'class1'],
      loss,
      l2Strength: 1e-4,
      validationFraction: 0,
      batchSize: options.batchSize,
      maxEpochs: options.epochs + 1,
      seed: options.seed,
    },
    { train: createInMemorySource(dataset) },
  );

  const times: Timing[] = [];
  let cpuStart = process.cpuUsage();
  await trainer.run({
    onEpoch: (event) => {
      const cpu = process.cpuUsage(cpuStart);
      cpuStart = process.cpuUsage();
      times.push({ wall: event.seconds, cpu: (cpu.user + cpu.system) / 1e6 });
      log(
        `ours, ${loss}, epoch ${event.record.epoch}: ${describe(times[times.length - 1])}, ` +
          `train loss ${event.record.trainLoss.toFixed(4)}${event.record.epoch === 0 ? ' (warm-up, with the data scan)' : ''}`,
      );
    },
  });
  return medianTiming(times.slice(1));
}

/** Median seconds of the timed fit() epochs after one warm-up epoch. */
async function timeTfjsFit(dataset: FeatureDataset, options: BenchOptions): Promise<Timing> {
  await tf.setBackend('wasm');
  await tf.ready();
  log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`);

  const rows = dataset.labels.length;
  const xs = tf.tensor2d(dataset.features, [rows, dataset.dim]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(dataset.labels, 'int32'), 2));
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [dataset.dim], units: 2, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.momentum(1 / dataset.dim, 0.9), loss: 'categoricalCrossentropy' });

  const times: Timing[] = [];
  for (let epoch = 0; epoch <= options.tfjsEpochs; epoch++) {
    const stopwatch = startStopwatch();
    const history = await model.fit(xs, ys, { batchSize: options.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    times.push(stopwatch());
    const loss = Number(history.history.loss[0]);
    log(`tfjs fit, epoch ${epoch}: ${describe(times[epoch])}, loss ${loss.toFixed(4)}${epoch === 0 ? ' (warm-up)' : ''}`);
  }

  xs.dispose();
  ys.dispose();
  model.dispose();
  return medianTiming(times.slice(1));
}

function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${process.platform}, Node.js ${process.version}, ${cpu}, ${availableParallelism()} cores`;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

function ratio(a: number, b: number): string {
  return (a / b).toFixed(2);
}

function round(value: number): number {
  return Number(value.toFixed(4));
}

/** Starts a stopwatch; calling the result returns the wall and CPU seconds since the start. */
function startStopwatch(): () => Timing {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpuStarted);
    return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
}

function medianTiming(times: Timing[]): Timing {
  return { wall: median(times.map((t) => t.wall)), cpu: median(times.map((t) => t.cpu)) };
}

function describe(timing: Timing): string {
  return `${timing.wall.toFixed(4)} s (CPU ${timing.cpu.toFixed(4)} s)`;
}

/** Returns the median, the mean of the two middle values for an even count. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
