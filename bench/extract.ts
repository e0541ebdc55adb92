// `npm run bench -- extract [--runs N] [--max-threads N]`
//
// Measures the VGG16 feature extractor on the full-size seeded VGG16 (138M parameters,
// uint8 weights). It reports the single-threaded ms per image at batch 1 and 8, and the
// single-threaded float32 matMul throughput of the same backend with the ms per image it
// implies (the floor). It also reports the best thread count, cold start, peak RSS and the
// uint8-vs-float32 feature cosine.
// Every measurement runs in a child process built from an esbuild bundle, as in Lambda.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

import { build } from 'esbuild';
import sharp from 'sharp';

import { cosineSimilarity } from '../shared/backbone/cosine-similarity.js';
import { buildSeededVgg16Backbone } from '../shared/backbone/vgg16-backbone-writer.js';
import { vgg16Flops } from '../shared/backbone/vgg16-topology.js';
import { integerOption } from './arguments.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');

const CHILD_ENTRY = `
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createFeatureExtractor } from ${JSON.stringify(join(repoRoot, 'shared/backbone/feature-extractor.ts'))};
import { initWasmBackend } from ${JSON.stringify(join(repoRoot, 'shared/backbone/wasm-backend.ts'))};
import { decodeImage } from ${JSON.stringify(join(repoRoot, 'shared/image/decode-image.ts'))};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function cold({ backboneDir, threads, images }) {
  const extractor = await createFeatureExtractor({ backboneDir, threads });
  const loadedMs = performance.now();
  const features = [Array.from(await extractor.extract(readFileSync(images[0])))];
  const coldStartMs = performance.now();
  const peakRssMb = maxRssMb();
  for (const image of images.slice(1)) {
    features.push(Array.from(await extractor.extract(readFileSync(image))));
  }
  return { loadedMs, coldStartMs, peakRssMb, features, threads: extractor.backend.threads };
}

async function speed({ backboneDir, threads, images, runs, batches }) {
  const extractor = await createFeatureExtractor({ backboneDir, threads });
  const pixels = (await decodeImage(readFileSync(images[0]))).pixels;
  const result = { threads: extractor.backend.threads, msPerImage: {} };
  for (const batch of batches) {
    const input = Array.from({ length: batch }, () => pixels);
    extractor.extractPixels(input);
    extractor.extractPixels(input);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      extractor.extractPixels(input);
      times.push((performance.now() - start) / batch);
    }
    result.msPerImage[batch] = median(times);
  }
  const decodeTimes = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await decodeImage(readFileSync(images[0]));
    decodeTimes.push(performance.now() - start);
  }
  result.decodeMs = median(decodeTimes);
  return result;
}

async function matmul({ runs, threads }) {
  await initWasmBackend({ threads });
  const shapes = [[1024, 1024, 1024], [3136, 2304, 256], [12544, 1152, 128], [784, 4608, 512]];
  const results = [];
  for (const [m, k, n] of shapes) {
    const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
    const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
    const once = () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
    once();
    once();
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      once();
      times.push(performance.now() - start);
    }
    results.push({ shape: [m, k, n], gflops: (2 * m * k * n) / median(times) / 1e6 });
    a.dispose();
    b.dispose();
  }
  return results;
}

const modes = { cold, speed, matmul };
const config = JSON.parse(process.argv[2]);
modes[config.mode](config).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error) => { console.error(error); process.exitCode = 1; },
);
`;

interface ColdResult {
  loadedMs: number;
  coldStartMs: number;
  peakRssMb: number;
  features: number[][];
  threads: number;
}

interface SpeedResult {
  threads: number;
  msPerImage: Record<string, number>;
  decodeMs: number;
}

interface MatMulResult {
  shape: [number, number, number];
  gflops: number;
}

interface Options {
  runs: number;
  maxThreads: number;
}

const USAGE = `usage: npm run bench -- extract [--runs N] [--max-threads N]
  --runs         timed runs per measurement, of which the median is reported (default 5, at least 5)
  --max-threads  largest WASM thread count tried (default: the number of CPUs, at most 4)`;

/** Parses the options after the benchmark name, or returns 'help' for --help. Raises UsageError. */
function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      'max-threads': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  const maxThreads = values['max-threads'];
  return {
    runs: integerOption('runs', values.runs, 5),
    maxThreads:
      maxThreads === undefined
        ? Math.min(availableParallelism(), 4)
        : integerOption('max-threads', maxThreads, 1),
  };
}

/** Photo-like test images: smooth colour fields with fine noise, 640 x 480 JPEG. */
async function writeImages(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, tint] of [[200, 120, 60], [40, 140, 200], [90, 170, 80]].entries()) {
    const noise = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .blur(3 + 2 * i)
      .tint({ r: tint[0], g: tint[1], b: tint[2] })
      .jpeg({ quality: 90 })
      .toBuffer();
    const path = join(dir, `image-${i}.jpg`);
    await writeFile(path, noise);
    paths.push(path);
  }
  return paths;
}

async function bundleChild(dir: string): Promise<string> {
  const entry = join(dir, 'child.ts');
  await writeFile(entry, CHILD_ENTRY);
  const outfile = join(dir, 'child.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['sharp'],
    nodePaths: [join(repoRoot, 'node_modules')],
    logLevel: 'silent',
  });
  return outfile;
}

async function runChild<T>(childPath: string, config: object): Promise<T> {
  const { stdout } = await run(process.execPath, [childPath, JSON.stringify(config)], {
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') },
  });
  return JSON.parse(stdout) as T;
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

export async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-bench-'));
  try {
    console.log('building the full-size seeded VGG16 (uint8 and float32) …');
    const uint8 = await buildSeededVgg16Backbone({ backboneDir: join(scratch, 'uint8') });
    const float32 = await buildSeededVgg16Backbone({ backboneDir: join(scratch, 'float32'), dtype: 'float32' });
    const images = await writeImages(scratch);
    const child = await bundleChild(scratch);
    const gflop = vgg16Flops() / 1e9;

    const matmuls = await runChild<MatMulResult[]>(child, { mode: 'matmul', runs: options.runs, threads: 1 });
    const bestMatMul = matmuls.reduce((best, m) => (m.gflops > best.gflops ? m : best));
    const floorMs = (gflop / bestMatMul.gflops) * 1000;
    for (const m of matmuls) {
      console.log(`matMul ${m.shape.join('x')} single-threaded: ${m.gflops.toFixed(1)} GFLOP/s`);
    }
    if (options.maxThreads > 1) {
      const threaded = await runChild<MatMulResult[]>(child, { mode: 'matmul', runs: options.runs, threads: options.maxThreads });
      threaded.forEach((m, i) => {
        const ratio = matmuls[i].gflops / m.gflops;
        console.log(`matMul ${m.shape.join('x')} with ${options.maxThreads} threads: ${m.gflops.toFixed(1)} GFLOP/s, ${ratio.toFixed(2)}x the single-threaded time`);
      });
    }

    const coldUint8 = await runChild<ColdResult>(child, { mode: 'cold', backboneDir: uint8.backboneDir, threads: 1, images });
    const coldFloat32 = await runChild<ColdResult>(child, { mode: 'cold', backboneDir: float32.backboneDir, threads: 1, images });
    const cosines = coldUint8.features.map((features, i) => cosineSimilarity(features, coldFloat32.features[i]));
    const quantizedCosine = Math.min(...cosines);

    const speeds: SpeedResult[] = [];
    for (let threads = 1; threads <= options.maxThreads; threads++) {
      const batches = threads === 1 ? [1, 8] : [1];
      speeds.push(await runChild<SpeedResult>(child, { mode: 'speed', backboneDir: uint8.backboneDir, threads, images, runs: options.runs, batches }));
    }
    const single = speeds[0];
    const configurations = speeds.flatMap((s) =>
      Object.entries(s.msPerImage).map(([batch, ms]) => ({ threads: s.threads, batch: Number(batch), ms })),
    );
    const best = configurations.reduce((b, c) => (c.ms < b.ms ? c : b));
    // The single-threaded figure is the better of batch 1 and batch 8.
    const msPerImage1t = Math.min(single.msPerImage['1'], single.msPerImage['8']);

    console.log(`VGG16: ${gflop.toFixed(2)} GFLOP per image, ${uint8.parameters.toLocaleString('en-US')} parameters (seeded, untrained)`);
    console.log(`single-threaded: batch 1 ${single.msPerImage['1'].toFixed(0)} ms/image, batch 8 ${single.msPerImage['8'].toFixed(0)} ms/image (median of ${options.runs})`);
    console.log(`floor at ${bestMatMul.gflops.toFixed(1)} GFLOP/s: ${floorMs.toFixed(0)} ms/image; single-threaded is ${(msPerImage1t / floorMs).toFixed(2)}x the floor`);
    for (const s of speeds.slice(1)) {
      console.log(`${s.threads} threads: batch 1 ${s.msPerImage['1'].toFixed(0)} ms/image, ${(s.msPerImage['1'] / single.msPerImage['1']).toFixed(2)}x the single-threaded time`);
    }
    console.log(`best: ${best.threads} thread(s) at batch ${best.batch}, ${best.ms.toFixed(0)} ms/image`);
    console.log(`decode + crop + resize of a 640x480 JPEG: ${single.decodeMs.toFixed(1)} ms`);
    console.log(`cold start (process start to first feature vector, uint8 layer files): ${coldUint8.coldStartMs.toFixed(0)} ms (model ready at ${coldUint8.loadedMs.toFixed(0)} ms)`);
    console.log(`peak RSS of that cold process: ${coldUint8.peakRssMb.toFixed(0)} MiB`);
    console.log(`uint8 vs float32 feature cosine (fc2, 3 images): ${cosines.map((c) => c.toFixed(5)).join(', ')}`);

    console.log(
      JSON.stringify({
        bench: 'extract',
        ms_per_image_1t: round(msPerImage1t),
        floor_ms_per_image_1t: round(floorMs),
        ms_per_image: round(best.ms),
        threads: best.threads,
        cold_start_ms: round(coldUint8.coldStartMs, 0),
        peak_rss_mb: round(coldUint8.peakRssMb, 0),
        quantized_cosine: round(quantizedCosine, 5),
      }),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
