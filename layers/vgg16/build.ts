// `npm run build:weights`: builds the contents of the VGG16 Lambda layer.
//
//   <out>/backbone/   backbone.json, model.json and uint8 weight shards  (/opt/backbone)
//   <out>/wasm/       tfjs-backend-wasm binaries and the threaded loader   (/opt/wasm)
//   <out>/nodejs/node_modules/  sharp with its linux-x64 libvips           (/opt/nodejs/node_modules)
import { rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Command, CommanderError, InvalidArgumentError } from 'commander';

import type { StoredWeightDtype } from '../../shared/backbone/layers-model-writer.js';
import {
  buildSeededVgg16Backbone,
  writeVgg16Backbone,
  type WrittenBackbone,
} from '../../shared/backbone/vgg16-backbone-writer.js';
import { fileDigests, KERAS_VGG16_FILE, KERAS_VGG16_MD5, openKerasVgg16Weights } from './keras-h5.js';
import { copySharpRuntime, copyWasmRuntime, folderBytes } from './layer-runtime.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** AWS Lambda quota for a function and all its layers, unzipped: 250 MiB = 262,144,000 bytes. */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000;

export interface BuildOptions {
  readonly seeded?: boolean;
  readonly kerasH5?: string;
  readonly widthDivisor: number;
  readonly seed: number;
  readonly dtype: StoredWeightDtype;
  readonly out: string;
  readonly backboneOnly: boolean;
  readonly skipChecksum: boolean;
}

export interface BuildResult {
  readonly backbone: WrittenBackbone;
  readonly layerBytes: number;
  readonly backboneBytes: number;
}

/**
 * An unknown, missing or invalid command-line option. The script prints its message on
 * one line and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`Expected a positive integer, got '${value}'.`);
  }
  return parsed;
}

/**
 * Parses the command line, or prints the help and returns undefined for --help.
 * Raises UsageError for an unknown option, a missing or invalid value, or a bad combination.
 */
export function parseArguments(argv: string[]): BuildOptions | undefined {
  const program = new Command('build:weights')
    .description('Build the VGG16 Lambda layer contents: uint8 weights, WASM binaries and sharp.')
    .option('--seeded', 'seeded Glorot-uniform weights (untrained), for development and tests')
    .option('--keras-h5 <file>', `convert the official Keras file ${KERAS_VGG16_FILE}`)
    .option('--width-divisor <n>', 'with --seeded: divide every width by n (16 builds a 0.78M-parameter net)', positiveInteger, 1)
    .option('--seed <n>', 'with --seeded: random seed', positiveInteger, 1)
    .option('--dtype <dtype>', 'stored weight type: uint8 (quantized) or float32', 'uint8')
    .option('--out <dir>', 'layer folder to write', join(repoRoot, 'layers', 'vgg16', 'build'))
    .option('--backbone-only', 'write only <out>/backbone, without the WASM binaries and sharp', false)
    .option('--skip-checksum', `convert a ${KERAS_VGG16_FILE} whose MD5 differs from the Keras one`, false)
    .exitOverride()
    // Commander would print each error itself. It is raised as UsageError instead, which
    // the caller prints once.
    .configureOutput({ outputError: () => undefined });

  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') {
      return undefined;
    }
    if (error instanceof CommanderError) {
      throw new UsageError(error.message.replace(/^error: /, '').replace(/\.$/, ''));
    }
    throw error;
  }
  const options = program.opts<BuildOptions>();

  if (Boolean(options.seeded) === Boolean(options.kerasH5)) {
    throw new UsageError('pass exactly one of --seeded or --keras-h5 <file>');
  }
  if (options.dtype !== 'uint8' && options.dtype !== 'float32') {
    throw new UsageError(`--dtype must be uint8 or float32, got '${options.dtype}'`);
  }
  return { ...options, out: resolve(options.out) };
}

async function buildBackbone(options: BuildOptions, backboneDir: string): Promise<WrittenBackbone> {
  if (options.seeded) {
    return buildSeededVgg16Backbone({
      backboneDir,
      widthDivisor: options.widthDivisor,
      seed: options.seed,
      dtype: options.dtype,
    });
  }
  return convertKerasH5(options.kerasH5!, backboneDir, options.dtype, options.skipChecksum);
}

/** Converts a Keras VGG16 HDF5 weights file into a backbone folder, with no Python. */
export async function convertKerasH5(
  h5Path: string,
  backboneDir: string,
  dtype: StoredWeightDtype = 'uint8',
  skipChecksum = false,
): Promise<WrittenBackbone> {
  const { sha256, md5 } = await fileDigests(h5Path);
  if (basename(h5Path) === KERAS_VGG16_FILE && md5 !== KERAS_VGG16_MD5 && !skipChecksum) {
    throw new Error(
      `${h5Path} has MD5 ${md5}, but Keras publishes ${KERAS_VGG16_MD5} for ${KERAS_VGG16_FILE}; ` +
        'download it again, or pass --skip-checksum to convert it anyway',
    );
  }

  const keras = await openKerasVgg16Weights(h5Path);
  try {
    return await writeVgg16Backbone({
      backboneDir,
      id: keras.widthDivisor === 1 ? 'vgg16' : `vgg16-w${keras.widthDivisor}`,
      untrained: false,
      widthDivisor: keras.widthDivisor,
      dtype,
      readWeight: (index) => keras.readWeight(index),
      weightsInfo: { source: 'keras-h5', sha256, widthDivisor: keras.widthDivisor },
    });
  } finally {
    keras.close();
  }
}

export async function buildLayer(options: BuildOptions): Promise<BuildResult> {
  // Only the folders this build writes are removed, never the whole --out folder.
  for (const sub of ['backbone', 'wasm', 'nodejs']) {
    await rm(join(options.out, sub), { recursive: true, force: true });
  }

  const backbone = await buildBackbone(options, join(options.out, 'backbone'));
  if (!options.backboneOnly) {
    await copyWasmRuntime(options.out);
    await copySharpRuntime(options.out, repoRoot);
  }
  return {
    backbone,
    backboneBytes: await folderBytes(backbone.backboneDir),
    layerBytes: await folderBytes(options.out),
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Runs `npm run build:weights`. Returns after printing the help for --help. */
export async function main(argv: string[]): Promise<void> {
  const options = parseArguments(argv);
  if (options === undefined) {
    return;
  }
  const started = Date.now();
  const result = await buildLayer(options);
  const { manifest, parameters } = result.backbone;

  console.log(`backbone ${manifest.id}: ${parameters.toLocaleString('en-US')} parameters, ${options.dtype} weights`);
  if (manifest.untrained) {
    console.log('UNTRAINED: seeded random weights; features carry no ImageNet knowledge');
  }
  console.log(`wrote ${result.backbone.backboneDir} (${mebibytes(result.backboneBytes)})`);
  if (!options.backboneOnly) {
    const share = ((100 * result.layerBytes) / LAMBDA_UNZIPPED_LIMIT_BYTES).toFixed(1);
    console.log(
      `layer ${options.out}: ${mebibytes(result.layerBytes)} unzipped, ${share}% of the ` +
        `${mebibytes(LAMBDA_UNZIPPED_LIMIT_BYTES)} Lambda limit for a function and all its layers`,
    );
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      console.error(`build:weights: ${message}. Run npm run build:weights -- --help for the options.`);
      process.exitCode = 2;
    } else {
      console.error(`build:weights failed: ${message}`);
      process.exitCode = 1;
    }
  });
}
