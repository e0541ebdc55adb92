import { readContainer, writeContainer, type BlockArray } from './binary-container.js';
import { LinearProbeError } from './errors.js';
import type { SgdRunState } from './sgd-run.js';
import type { FinishedRun, TrainerConfig, TrainerState } from './trainer-state.js';

/** Schema version of checkpoints written by this code. */
export const CHECKPOINT_SCHEMA_VERSION = 1;

const RUN_ARRAYS = ['weights', 'bias', 'velocityWeights', 'velocityBias', 'bestWeights', 'bestBias'] as const;

/**
 * Serializes the trainer configuration and state: scalars, histories and metrics in the
 * JSON header, weights, velocities, best weights, standardization and PRNG state as
 * binary blocks.
 */
export function encodeCheckpoint(config: TrainerConfig, state: TrainerState): Uint8Array {
  const blocks: Record<string, BlockArray> = {};
  const { scan, run, finished, refitted, ...scalars } = state;

  let scanHeader = null;
  if (scan !== null) {
    const { standardization, ...counts } = scan;
    scanHeader = counts;
    blocks['scan.mean'] = Float32Array.from(standardization.mean);
    blocks['scan.scale'] = Float32Array.from(standardization.scale);
  }

  let runHeader = null;
  if (run !== null) {
    const { prngState, weights, bias, velocityWeights, velocityBias, bestWeights, bestBias, ...rest } = run;
    runHeader = rest;
    blocks['run.prngState'] = prngState;
    const arrays = { weights, bias, velocityWeights, velocityBias, bestWeights, bestBias };
    for (const name of RUN_ARRAYS) {
      blocks[`run.${name}`] = arrays[name];
    }
  }

  const runs = {
    finished: finished.map((result, i) => encodeFinished(`finished.${i}`, result, blocks)),
    refitted: refitted === null ? null : encodeFinished('refitted', refitted, blocks),
  };
  const header = { config, state: { ...scalars, scan: scanHeader, run: runHeader, ...runs } };
  return writeContainer('checkpoint', CHECKPOINT_SCHEMA_VERSION, header, blocks);
}

function encodeFinished(name: string, run: FinishedRun, blocks: Record<string, BlockArray>): object {
  const { weights, bias, ...rest } = run;
  blocks[`${name}.weights`] = weights;
  blocks[`${name}.bias`] = bias;
  return rest;
}

/** Parses {@link encodeCheckpoint} output; raises the ARTIFACT_* errors for bad bytes. */
export function decodeCheckpoint(bytes: Uint8Array): { config: TrainerConfig; state: TrainerState } {
  const { header, blocks } = readContainer(bytes, 'checkpoint', CHECKPOINT_SCHEMA_VERSION);
  const config = header.config as TrainerConfig;
  const saved = header.state as Record<string, unknown> & {
    scan: Record<string, unknown> | null;
    run: Record<string, unknown> | null;
    finished: Record<string, unknown>[];
    refitted: Record<string, unknown> | null;
  };
  if (typeof config?.dim !== 'number' || !Array.isArray(config.labels) || typeof saved?.phase !== 'string') {
    throw new LinearProbeError('ARTIFACT_CORRUPTED', 'The checkpoint header lacks its configuration or phase; start training again.');
  }

  const block = <T extends BlockArray>(name: string, type: new (n: number) => T): T => {
    const value = blocks.get(name);
    if (!(value instanceof type)) {
      throw new LinearProbeError('ARTIFACT_CORRUPTED', `The checkpoint lacks its block '${name}'; start training again.`);
    }
    return value;
  };

  const scan = saved.scan === null ? null : {
    ...(saved.scan as object),
    standardization: { mean: block('scan.mean', Float32Array), scale: block('scan.scale', Float32Array) },
  };

  let run: SgdRunState | null = null;
  if (saved.run !== null) {
    const arrays = Object.fromEntries(RUN_ARRAYS.map((name) => [name, block(`run.${name}`, Float32Array)]));
    run = { ...(saved.run as object), ...arrays, prngState: block('run.prngState', Uint32Array) } as SgdRunState;
  }

  const decodeFinished = (name: string, header: Record<string, unknown>): FinishedRun => {
    return { ...header, weights: block(`${name}.weights`, Float32Array), bias: block(`${name}.bias`, Float32Array) } as FinishedRun;
  };
  if (!Array.isArray(saved.finished)) {
    throw new LinearProbeError('ARTIFACT_CORRUPTED', 'The checkpoint lacks its list of finished runs; start training again.');
  }

  const state = {
    ...(saved as unknown as TrainerState),
    scan: scan as TrainerState['scan'],
    run,
    finished: saved.finished.map((header, i) => decodeFinished(`finished.${i}`, header)),
    refitted: saved.refitted === null ? null : decodeFinished('refitted', saved.refitted),
  };
  return { config, state };
}
