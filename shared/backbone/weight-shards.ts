import { open, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { ModelFormatError, weightByteLength, type WeightSpec } from './layers-model-json.js';

/** Shard size of the TensorFlow.js converter (4 MiB), which keeps each file cacheable. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** All weight bytes of a model in manifest order, and the specs that describe them. */
export interface WeightData {
  readonly data: ArrayBuffer;
  readonly specs: WeightSpec[];
}

/**
 * Reads every shard listed in the weights manifest into one preallocated buffer, so this
 * function keeps one copy of the stored weights and no per-shard buffers.
 */
export async function readWeightData(
  modelDir: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<WeightData> {
  const specs = manifest.flatMap((group) => group.weights);
  const paths = manifest.flatMap((group) => group.paths.map((path) => join(modelDir, path)));

  const expectedBytes = specs.reduce((sum, spec) => sum + weightByteLength(spec), 0);
  const sizes = await Promise.all(paths.map((path) => shardSize(path)));
  const actualBytes = sizes.reduce((sum, size) => sum + size, 0);
  if (actualBytes !== expectedBytes) {
    throw new ModelFormatError(
      `weight shards in ${modelDir} hold ${actualBytes} bytes but the manifest describes ` +
        `${expectedBytes} bytes; a shard is missing, truncated or from another build`,
    );
  }

  const data = new ArrayBuffer(expectedBytes);
  let offset = 0;
  for (const [i, path] of paths.entries()) {
    await readInto(path, new Uint8Array(data, offset, sizes[i]));
    offset += sizes[i];
  }
  return { data, specs };
}

async function shardSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new ModelFormatError(`weight shard ${path} is missing: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function readInto(path: string, target: Uint8Array): Promise<void> {
  const file = await open(path, 'r');
  try {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await file.read(target, done, target.length - done, done);
      if (bytesRead === 0) {
        throw new ModelFormatError(`weight shard ${path} ended after ${done} bytes`);
      }
      done += bytesRead;
    }
  } finally {
    await file.close();
  }
}

/**
 * Writes a byte stream as numbered shards `<prefix>-shard<i>of<n>.bin`. The total size must
 * be known up front because every file name contains the shard count.
 */
export class ShardWriter {
  readonly paths: string[];
  private readonly shardBytes: number;
  private written = 0;
  private file: FileHandle | undefined;
  private fileIndex = -1;

  constructor(
    private readonly dir: string,
    private readonly totalBytes: number,
    shardBytes = DEFAULT_SHARD_BYTES,
    prefix = 'group1',
  ) {
    if (!Number.isInteger(shardBytes) || shardBytes < 1) {
      throw new RangeError(`shard size must be a positive integer, got ${shardBytes}`);
    }
    this.shardBytes = shardBytes;
    const count = Math.max(1, Math.ceil(totalBytes / shardBytes));
    this.paths = Array.from({ length: count }, (_, i) => `${prefix}-shard${i + 1}of${count}.bin`);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.written + bytes.length > this.totalBytes) {
      throw new RangeError(`writing ${bytes.length} more bytes exceeds the declared ${this.totalBytes}`);
    }

    let done = 0;
    while (done < bytes.length) {
      const index = Math.floor(this.written / this.shardBytes);
      if (index !== this.fileIndex) {
        await this.file?.close();
        this.file = await open(join(this.dir, this.paths[index]), 'w');
        this.fileIndex = index;
      }
      const room = (index + 1) * this.shardBytes - this.written;
      const chunk = bytes.subarray(done, done + Math.min(room, bytes.length - done));
      await this.file!.write(chunk);
      done += chunk.length;
      this.written += chunk.length;
    }
  }

  async close(): Promise<void> {
    if (this.written !== this.totalBytes) {
      throw new RangeError(`wrote ${this.written} bytes of the declared ${this.totalBytes}`);
    }
    if (this.file === undefined) {
      // A model without weights still lists one (empty) shard.
      await writeFile(join(this.dir, this.paths[0]), new Uint8Array(0));
    }
    await this.file?.close();
    this.file = undefined;
  }
}

/** Returns the folder that contains a `model.json`, and the file name itself. */
export function splitModelPath(modelJsonPath: string): { dir: string; file: string } {
  const file = basename(modelJsonPath);
  return { dir: modelJsonPath.slice(0, modelJsonPath.length - file.length) || '.', file };
}
